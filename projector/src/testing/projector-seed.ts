// Test support: a varied ledger for the projector's int tests, written through the real
// deciders as the command side would. The audit seed (two customers, the adjustments account,
// a funding, a transfer, a registered user), then `rounds` rounds that each register a user
// (with a role and a plan change), open and fund a wallet, transfer to Alice, record a
// rejected transfer, capture one hold and release another, and request a card top-up (paid,
// failed or left pending: top-up-seed.ts). Every event type the wallets,
// transfers and users projections treat differently occurs, and appends of one to three
// streams let batch boundaries fall between and inside them.
import { randomUUID } from 'node:crypto';
import {
  ADJUSTMENTS,
  ALICE,
  appendWalletEvents,
  SEED_NOW,
  seedLedger,
  toNewEvent,
} from '../../../shared/audit/testing/ledger-seed';
import { DomainError } from '../../../shared/errors/domain-error';
import {
  holdId,
  movementId,
  userId,
  walletId,
  type UserId,
  type WalletId,
} from '../../../shared/domain/ids';
import { money } from '../../../shared/domain/money/money';
import { applyAll, walletIn, type Ledger } from '../../../shared/domain/testing/wallet-ledger';
import { changePlan, grantRole, register } from '../../../shared/domain/user/user.decider';
import type { UserEvent } from '../../../shared/domain/user/user.events';
import { evolveUser, initialUserState } from '../../../shared/domain/user/user.state';
import { userStreamId } from '../../../shared/domain/user/user.streams';
import { captureHold } from '../../../shared/domain/wallet/capture-hold.decider';
import { placeHold, releaseHold } from '../../../shared/domain/wallet/hold.decider';
import { transfer } from '../../../shared/domain/wallet/movement.decider';
import { rejectionEvents } from '../../../shared/domain/wallet/rejection';
import { adjustment } from '../../../shared/domain/wallet/system-movement.decider';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import { openWallet } from '../../../shared/domain/wallet/wallet-lifecycle.decider';
import type { EventStore } from '../../../shared/ports/event-store.port';
import { seedTopUp } from './top-up-seed';

const FUNDING_MINOR = 5_000n;
const SENT_MINOR = 1_000n;
const HELD_MINOR = 300n;
const TOO_MUCH_MINOR = 50_000n; // Within FREE's per-transfer limit, beyond the funding.

type Round = { store: EventStore; ledger: Ledger; wallet: WalletId; at: Date };

/** Seeds the audit ledger plus `rounds` rounds of 17 to 19 events each. */
export async function seedVariedLedger(store: EventStore, rounds: number): Promise<void> {
  let ledger = await seedLedger(store);
  for (let round = 0; round < rounds; round += 1) {
    const at = new Date(SEED_NOW.getTime() + round * 60_000);
    await registerUser(store, userId(`u-round-${round}`), at);
    const wallet = walletId(`w-round-${round}`);
    ledger = await openAndFund({ store, ledger, wallet, at }, userId(`u-round-${round}`));
    ledger = await moveMoney({ store, ledger, wallet, at });
    ledger = await holdMoney({ store, ledger, wallet, at });
    await seedTopUp(store, wallet, round, at);
  }
}

async function commit(round: Round, sides: readonly (readonly WalletEvent[])[]) {
  await appendWalletEvents(round.store, sides);
  return applyAll(round.ledger, sides.flat());
}

async function registerUser(store: EventStore, id: UserId, at: Date): Promise<void> {
  let state = initialUserState();
  const events: UserEvent[] = [];
  const decide = (decided: UserEvent[]) => {
    events.push(...decided);
    state = decided.reduce(evolveUser, state);
  };
  const email = `${id}@example.com`;
  decide(register({ type: 'RegisterUser', userId: id, email, name: id }, state));
  decide(grantRole({ type: 'GrantRole', userId: id, role: 'merchant' }, state));
  decide(changePlan({ type: 'ChangePlan', userId: id, plan: 'PREMIUM', reason: 'test' }, state));
  await store.append({
    streams: [{
      streamId: userStreamId(id),
      expectedVersion: 'no-stream',
      events: events.map((event) => ({
        ...toNewEvent(event),
        metadata: { occurredAt: at.toISOString() },
      })),
    }],
    uniqueClaims: [{ scope: 'email', value: email, ownerId: id }],
  });
}

async function openAndFund(round: Round, owner: UserId): Promise<Ledger> {
  const { wallet, at } = round;
  const opened = openWallet(
    { type: 'OpenWallet', walletId: wallet, ownerId: owner, kind: 'user', currency: 'MYR' },
    walletIn(round.ledger, wallet),
  );
  const ledger = await commit(round, [opened]);
  const funded = adjustment({
    type: 'AdjustBalance', movementId: movementId(`m-fund-${wallet}`), walletId: wallet,
    direction: 'credit', amount: money('MYR', FUNDING_MINOR), reason: 'funding', now: at,
  }, walletIn(ledger, wallet), walletIn(ledger, ADJUSTMENTS));
  return commit({ ...round, ledger }, [funded.wallet, funded.system]);
}

async function moveMoney(round: Round): Promise<Ledger> {
  const { ledger, wallet, at } = round;
  const send = (id: string, amountMinor: bigint) => ({
    type: 'TransferMoney' as const, movementId: movementId(id), sourceWalletId: wallet,
    targetWalletId: ALICE, amount: money('MYR', amountMinor), note: 'round',
    actorPlan: 'FREE' as const, targetPlan: 'FREE' as const, now: at,
  });
  const moved = transfer(send(`m-send-${wallet}`, SENT_MINOR), walletIn(ledger, wallet),
    walletIn(ledger, ALICE));
  const sent = await commit(round, [moved.source, moved.target]);
  const refused = send(`m-refused-${wallet}`, TOO_MUCH_MINOR);
  let rejection: unknown;
  try {
    transfer(refused, walletIn(sent, wallet), walletIn(sent, ALICE));
  } catch (error) {
    rejection = error;
  }
  if (!(rejection instanceof DomainError)) throw new Error('the oversized transfer must fail');
  return commit({ ...round, ledger: sent },
    [rejectionEvents(refused, rejection, walletIn(sent, wallet))]);
}

async function holdMoney(round: Round): Promise<Ledger> {
  const { wallet, at } = round;
  const place = (id: string, ledger: Ledger) => placeHold({
    type: 'PlaceHold', walletId: wallet, holdId: holdId(id), amount: money('MYR', HELD_MINOR),
    reason: 'pending payment', actorPlan: 'FREE', now: at,
  }, walletIn(ledger, wallet));
  const captured = `h-capture-${randomUUID()}`;
  let ledger = await commit(round, [place(captured, round.ledger)]);
  const capture = captureHold({
    type: 'CaptureHold', walletId: wallet, holdId: holdId(captured),
    movementId: movementId(`m-capture-${wallet}`), targetWalletId: ALICE, targetPlan: 'FREE',
    now: at,
  }, walletIn(ledger, wallet), walletIn(ledger, ALICE));
  ledger = await commit({ ...round, ledger }, [capture.source, capture.target]);
  const released = `h-release-${randomUUID()}`;
  ledger = await commit({ ...round, ledger }, [place(released, ledger)]);
  const release = releaseHold({ type: 'ReleaseHold', walletId: wallet, holdId: holdId(released) },
    walletIn(ledger, wallet));
  return commit({ ...round, ledger }, [release]);
}
