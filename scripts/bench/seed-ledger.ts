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
    /** Wallets each owner holds (the last owner may hold fewer); 1 by default. */
    walletsPerOwner?: number;
  },
): Promise<SeededWallet[]> {
  // The server refuses a token that lives longer than its TTL (ACCESS_TOKEN_TTL_SECONDS,
  // 15 minutes by default), so the bench issues them for exactly that.
  const tokens = new AccessTokens({ secret: options.jwtSecret, ttlMs: 15 * 60_000 });
  const perOwner = options.walletsPerOwner ?? 1;
  const owners = Math.ceil(options.wallets / perOwner);
  const seeded: SeededWallet[][] = [];
  let next = 0;
  const worker = async () => {
    while (next < owners) {
      const owner = next++;
      const count = Math.min(perOwner, options.wallets - owner * perOwner);
      seeded[owner] = await seedOwner(store, tokens, owner, count, options.fundingMinor);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY_MAX }, worker));
  return seeded.flat();
}

/** One user with `count` funded wallets, all in one append, and the user's access token. */
async function seedOwner(
  store: EventStore,
  tokens: AccessTokens,
  index: number,
  count: number,
  fundingMinor: bigint,
): Promise<SeededWallet[]> {
  const userId = toUserId(randomUUID());
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
  const funded = Array.from({ length: count }, () => fundedWallet(userId, fundingMinor));
  await store.append({
    streams: [
      { streamId: userStreamId(userId), expectedVersion: 'no-stream', events: toNew(registered) },
      ...funded.map(({ walletId, events }) => ({
        streamId: walletStreamId(walletId),
        expectedVersion: 'no-stream' as const,
        events: toNew(events),
      })),
      {
        streamId: walletStreamId(SYSTEM_WALLET_ID),
        expectedVersion: 'any',
        events: toNew(funded.flatMap(({ systemEvents }) => systemEvents)),
      },
    ],
    uniqueClaims: [{ scope: 'email', value: email, ownerId: userId }],
  });
  const { accessToken } = tokens.issue({
    userId,
    sessionId: randomUUID(),
    roles: ['customer'],
    plan: 'PREMIUM',
  });
  return funded.map(({ walletId }) => ({ userId, walletId, token: accessToken, email }));
}

const SYSTEM_WALLET_ID = systemWalletId('adjustments', 'MYR');
// The server opened the system account at start; the decider only needs it to be open.
const SYSTEM_STATE = openWallet(
  {
    type: 'OpenWallet',
    walletId: SYSTEM_WALLET_ID,
    ownerId: null,
    kind: 'system',
    currency: 'MYR',
    systemAccount: 'adjustments',
  },
  initialWalletState(),
).reduce(evolveWallet, initialWalletState());

/** A new wallet of `ownerId`, opened and credited `fundingMinor` by an adjustment. */
function fundedWallet(ownerId: ReturnType<typeof toUserId>, fundingMinor: bigint) {
  const walletId = toWalletId(randomUUID());
  const opened = openWallet(
    { type: 'OpenWallet', walletId, ownerId, kind: 'user', currency: 'MYR' },
    initialWalletState(),
  );
  const walletState = opened.reduce(evolveWallet, initialWalletState());
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
    SYSTEM_STATE,
  );
  return { walletId, events: [...opened, ...funded.wallet], systemEvents: funded.system };
}
