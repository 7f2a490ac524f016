// Test support: writes a small, healthy ledger through the real deciders, so audit tests
// start from what the command side would have written. Two customers, the MYR adjustments
// account, one credit adjustment and one transfer; plus a registered user with the e-mail
// claim, for `users grant-role`. Works with any EventStore (in-memory or Postgres).
import { randomUUID } from 'node:crypto';
import { encodeDomainEvent, type DomainEvent } from '../../domain/event-codec';
import { movementId, userId, walletId, type WalletId } from '../../domain/ids';
import { money } from '../../domain/money/money';
import { applyAll, walletIn, type Ledger } from '../../domain/testing/wallet-ledger';
import { register } from '../../domain/user/user.decider';
import { userStreamId } from '../../domain/user/user.streams';
import { transfer } from '../../domain/wallet/movement.decider';
import { adjustment } from '../../domain/wallet/system-movement.decider';
import type { WalletEvent } from '../../domain/wallet/wallet.events';
import { openWallet } from '../../domain/wallet/wallet-lifecycle.decider';
import { systemWalletId, walletStreamId } from '../../domain/wallet/wallet.streams';
import type { EventStore, NewEvent, StreamAppend } from '../../ports/event-store.port';

export const SEED_NOW = new Date('2025-03-10T08:00:00.000Z');
export const ALICE = walletId('w-alice');
export const BOB = walletId('w-bob');
export const ADJUSTMENTS = systemWalletId('adjustments', 'MYR');
export const AMIRA = userId('u-amira');
export const AMIRA_EMAIL = 'amira@example.com';
export const ADJUSTED_MINOR = 10_000n;
export const TRANSFERRED_MINOR = 2_500n;

export const toNewEvent = (event: DomainEvent): NewEvent => ({
  eventId: randomUUID(),
  ...encodeDomainEvent(event),
  metadata: { occurredAt: SEED_NOW.toISOString(), actorId: 'test' },
});

/** One append: each side's events on its wallet's stream, without version checks. */
export async function appendWalletEvents(
  store: EventStore,
  sides: readonly (readonly WalletEvent[])[],
): Promise<void> {
  const streams: StreamAppend[] = sides.filter((events) => events.length > 0).map((events) => ({
    streamId: walletStreamId(events[0]!.data.walletId),
    expectedVersion: 'any',
    events: events.map(toNewEvent),
  }));
  await store.append({ streams });
}

/** Appends as above and folds the events into the ledger the next decision reads. */
async function commitWalletEvents(
  store: EventStore,
  ledger: Ledger,
  sides: readonly (readonly WalletEvent[])[],
): Promise<Ledger> {
  await appendWalletEvents(store, sides);
  return applyAll(ledger, sides.flat());
}

export async function seedLedger(store: EventStore): Promise<Ledger> {
  let ledger: Ledger = new Map();
  const open = (id: WalletId, owner: string) => openWallet({
    type: 'OpenWallet', walletId: id, ownerId: userId(owner), kind: 'user', currency: 'MYR',
  }, walletIn(ledger, id));
  const system = openWallet({
    type: 'OpenWallet', walletId: ADJUSTMENTS, ownerId: null, kind: 'system', currency: 'MYR',
    systemAccount: 'adjustments',
  }, walletIn(ledger, ADJUSTMENTS));
  ledger = await commitWalletEvents(store, ledger, [system]);
  ledger = await commitWalletEvents(store, ledger, [open(ALICE, 'u-alice'), open(BOB, 'u-bob')]);
  const adjusted = adjustment({
    type: 'AdjustBalance', movementId: movementId('m-adjust-1'), walletId: ALICE,
    direction: 'credit', amount: money('MYR', ADJUSTED_MINOR), reason: 'opening balance',
    now: SEED_NOW,
  }, walletIn(ledger, ALICE), walletIn(ledger, ADJUSTMENTS));
  ledger = await commitWalletEvents(store, ledger, [adjusted.wallet, adjusted.system]);
  const moved = transfer({
    type: 'TransferMoney', movementId: movementId('m-transfer-1'), sourceWalletId: ALICE,
    targetWalletId: BOB, amount: money('MYR', TRANSFERRED_MINOR), note: 'lunch',
    actorPlan: 'FREE', targetPlan: 'FREE', now: SEED_NOW,
  }, walletIn(ledger, ALICE), walletIn(ledger, BOB));
  ledger = await commitWalletEvents(store, ledger, [moved.source, moved.target]);
  await registerAmira(store);
  return ledger;
}

async function registerAmira(store: EventStore): Promise<void> {
  const events = register({
    type: 'RegisterUser', userId: AMIRA, email: AMIRA_EMAIL, name: 'Amira',
  }, { status: 'absent' });
  await store.append({
    streams: [{ streamId: userStreamId(AMIRA), expectedVersion: 'no-stream',
      events: events.map(toNewEvent) }],
    // The scope command-api's registration claims (EMAIL_CLAIM_SCOPE); shared/ cannot import it.
    uniqueClaims: [{ scope: 'email', value: AMIRA_EMAIL, ownerId: AMIRA }],
  });
}
