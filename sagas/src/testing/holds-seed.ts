// Test support: a funded customer wallet with holds, written through the real deciders and
// appended as the command side would (the MYR adjustments account is the other side of the
// funding, so the ledger stays balanced). Holds are placed at a chosen instant, so a test can
// make them overdue by placing them in the past.
import { randomUUID } from 'node:crypto';
import { appendWalletEvents } from '../../../shared/audit/testing/ledger-seed';
import { holdId, movementId, userId, walletId, type WalletId } from '../../../shared/domain/ids';
import { money } from '../../../shared/domain/money/money';
import { applyAll, walletIn, type Ledger } from '../../../shared/domain/testing/wallet-ledger';
import { placeHold } from '../../../shared/domain/wallet/hold.decider';
import { adjustment } from '../../../shared/domain/wallet/system-movement.decider';
import { openWallet } from '../../../shared/domain/wallet/wallet-lifecycle.decider';
import { systemWalletId, walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { EventStore } from '../../../shared/ports/event-store.port';

export const FUNDED_MINOR = 10_000n;
export const HOLD_MINOR = 300n;
const ADJUSTMENTS = systemWalletId('adjustments', 'MYR');

export type HoldSpec = Readonly<{ placedAt: Date; expiresInSeconds: number }>;
export type SeededWallet = Readonly<{ walletId: WalletId; holdIds: readonly string[] }>;

async function openAdjustmentsAccount(store: EventStore, ledger: Ledger): Promise<Ledger> {
  const opened = openWallet(
    {
      type: 'OpenWallet', walletId: ADJUSTMENTS, ownerId: null, kind: 'system',
      currency: 'MYR', systemAccount: 'adjustments',
    },
    walletIn(ledger, ADJUSTMENTS),
  );
  if ((await store.streamVersion(walletStreamId(ADJUSTMENTS))) === 0n) {
    await appendWalletEvents(store, [opened]);
  }
  return applyAll(ledger, opened);
}

/** A wallet funded with FUNDED_MINOR and one HOLD_MINOR hold per spec, in one append each. */
export async function seedWalletWithHolds(
  store: EventStore,
  holds: readonly HoldSpec[],
): Promise<SeededWallet> {
  const id = walletId(`w-${randomUUID()}`);
  let ledger = await openAdjustmentsAccount(store, new Map());
  const opened = openWallet(
    { type: 'OpenWallet', walletId: id, ownerId: userId('u-holder'), kind: 'user', currency: 'MYR' },
    walletIn(ledger, id),
  );
  ledger = applyAll(ledger, opened);
  const funded = adjustment(
    {
      type: 'AdjustBalance', movementId: movementId(`m-${randomUUID()}`), walletId: id,
      direction: 'credit', amount: money('MYR', FUNDED_MINOR), reason: 'test funding',
      now: holds[0]?.placedAt ?? new Date(),
    },
    walletIn(ledger, id),
    walletIn(ledger, ADJUSTMENTS),
  );
  ledger = applyAll(ledger, [...funded.wallet, ...funded.system]);
  await appendWalletEvents(store, [[...opened, ...funded.wallet], funded.system]);
  const holdIds: string[] = [];
  for (const spec of holds) {
    const placed = placeHold(
      {
        type: 'PlaceHold', walletId: id, holdId: holdId(`h-${randomUUID()}`),
        amount: money('MYR', HOLD_MINOR), reason: 'pending payment',
        expiresInSeconds: spec.expiresInSeconds, actorPlan: 'FREE', now: spec.placedAt,
      },
      walletIn(ledger, id),
    );
    ledger = applyAll(ledger, placed);
    await appendWalletEvents(store, [placed]);
    for (const event of placed) if (event.type === 'HoldPlaced') holdIds.push(event.data.holdId);
  }
  return { walletId: id, holdIds };
}

export const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);
