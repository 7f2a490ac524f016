// Seeds users, funded wallets and access tokens straight through the event store (no HTTP,
// no scrypt), so a benchmark spends its time on the path it measures.
import { randomUUID } from 'node:crypto';
import { encodeDomainEvent, type DomainEvent } from '../../shared/domain/event-codec';
import { userId as toUserId, walletId as toWalletId, movementId } from '../../shared/domain/ids';
import { money } from '../../shared/domain/money/money';
import { register } from '../../shared/domain/user/user.decider';
import { userStreamId } from '../../shared/domain/user/user.streams';
import { openWallet } from '../../shared/domain/wallet/wallet-lifecycle.decider';
import { adjustment } from '../../shared/domain/wallet/system-movement.decider';
import { evolveWallet } from '../../shared/domain/wallet/wallet.evolve';
import { systemWalletId, walletStreamId } from '../../shared/domain/wallet/wallet.streams';
import { initialWalletState } from '../../shared/domain/wallet/wallet.state';
import { AccessTokens } from '../../shared/auth/tokens';
import type { EventStore, NewEvent } from '../../shared/ports/event-store.port';

export type SeededWallet = { userId: string; walletId: string; token: string; email: string };
const SEED_CONCURRENCY_MAX = 16;

const toNew = (events: readonly DomainEvent[]): NewEvent[] =>
  events.map((event) => ({
    eventId: randomUUID(),
    ...encodeDomainEvent(event),
    metadata: { occurredAt: new Date().toISOString(), actorId: 'bench' },
  }));

export async function seedWallets(
  store: EventStore,
  options: {
    wallets: number;
    fundingMinor: bigint;
    jwtSecret: string;
  },
): Promise<SeededWallet[]> {
  // The server refuses a token that lives longer than its TTL (ACCESS_TOKEN_TTL_SECONDS,
  // 15 minutes by default), so the bench issues them for exactly that.
  const tokens = new AccessTokens({ secret: options.jwtSecret, ttlMs: 15 * 60_000 });
  const system = systemWalletId('adjustments', 'MYR');
  const seeded: SeededWallet[] = [];
  let next = 0;
  const worker = async () => {
    while (next < options.wallets) {
      const index = next++;
      seeded[index] = await seedOne(store, tokens, system, index, options.fundingMinor);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY_MAX }, worker));
  return seeded;
}

async function seedOne(
  store: EventStore,
  tokens: AccessTokens,
  system: ReturnType<typeof systemWalletId>,
  index: number,
  fundingMinor: bigint,
): Promise<SeededWallet> {
  const userId = toUserId(randomUUID());
  const walletId = toWalletId(randomUUID());
  const email = `bench-${index}-${userId.slice(0, 8)}@example.com`;
  const registered = register(
    {
      type: 'RegisterUser',
      userId,
      email,
      name: `Bench ${index}`,
    },
    { status: 'absent' },
  );
  const opened = openWallet(
    { type: 'OpenWallet', walletId, ownerId: userId, kind: 'user', currency: 'MYR' },
    initialWalletState(),
  );
  const walletState = opened.reduce(evolveWallet, initialWalletState());
  // The server opened the system account at start; the decider only needs it to be open.
  const systemState = openWallet(
    {
      type: 'OpenWallet',
      walletId: system,
      ownerId: null,
      kind: 'system',
      currency: 'MYR',
      systemAccount: 'adjustments',
    },
    initialWalletState(),
  ).reduce(evolveWallet, initialWalletState());
  const funded = adjustment(
    {
      type: 'AdjustBalance',
      movementId: movementId(randomUUID()),
      walletId,
      direction: 'credit',
      amount: money('MYR', fundingMinor),
      reason: 'bench float',
      now: new Date(),
    },
    walletState,
    systemState,
  );
  await store.append({
    streams: [
      { streamId: userStreamId(userId), expectedVersion: 'no-stream', events: toNew(registered) },
      {
        streamId: walletStreamId(walletId),
        expectedVersion: 'no-stream',
        events: toNew([...opened, ...funded.wallet]),
      },
      { streamId: walletStreamId(system), expectedVersion: 'any', events: toNew(funded.system) },
    ],
    uniqueClaims: [{ scope: 'email', value: email, ownerId: userId }],
  });
  const { accessToken } = tokens.issue({
    userId,
    sessionId: randomUUID(),
    roles: ['customer'],
    plan: 'PREMIUM',
  });
  return { userId, walletId, token: accessToken, email };
}
