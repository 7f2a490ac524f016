// Capturing a hold: all or part of the held amount moves to a target wallet, the rest is
// released. The source gets HoldCaptured then WalletDebited (balance changes only through
// debits and credits); the target gets WalletCredited.
//
// Rejection precedence, pinned by tests in this order:
//   1. source not_found (system accounts count as not found)
//   2. duplicate movementId on the source: returns no events (a retried capture)
//   3. hold not_found: never placed on this wallet, or ended too long ago to remember
//   4. hold_not_active: captured, released, expired, or past its expiresAt
//   5. target not_found (system accounts count as not found)
//   6. same_wallet
//   7. target closed (wallet_closed); a source with an active hold is never closed
//   8. source frozen (wallet_frozen): a capture is a debit
//   9. currency_mismatch: the amount's currency against the source, then the target
//  10. amount_exceeds_hold
//  11. max_balance_exceeded: the target's plan maximum (user targets only)
// Plan limits are not checked again: the hold was checked against the per-transfer and
// daily limits when it was placed, and it counts towards the daily outgoing total of that
// day; the capture takes at most the hold and counts nothing a second time, and its
// released rest goes back to the hold's day (shared/domain/plans/daily-outgoing.ts).
// Either: a v1 hold (placed before holds counted when placed) counts when captured, on the
// capture's day, unchecked, as it did then; such holds end within HOLD_EXPIRES_IN_SECONDS_MAX.
import { assert } from '../../errors/assert';
import { money } from '../money/money';
import { recentGet, recentHas } from '../recent-entries';
import type { CaptureHold, MovementEvents } from './wallet.commands';
import { walletErrors } from './wallet.errors';
import type { HoldCaptured } from './wallet.events';
import { movementEvents } from './wallet.movement-events';
import {
  assertMovableAmount,
  requireCurrency,
  requireCustomerWallet,
  requireNotClosed,
  requireNotFrozen,
  requireRoomForCredit,
} from './wallet.rules';
import type { ActiveHold, OpenedWallet, WalletState } from './wallet.state';

export function captureHold(
  command: CaptureHold,
  sourceState: WalletState,
  targetState: WalletState,
): MovementEvents {
  const { holdId, movementId, now } = command;
  const source = requireCustomerWallet(sourceState, command.walletId);
  if (recentHas(source.recentMovements, movementId)) return { source: [], target: [] };
  const hold = requireActiveHold(source, command);
  const target = requireCustomerWallet(targetState, command.targetWalletId);
  if (source.walletId === target.walletId) throw walletErrors.sameWallet(source.walletId);
  requireNotClosed(target);
  assert(source.status !== 'closed', 'a wallet with an active hold is never closed');
  requireNotFrozen(source);
  const amount = command.amount ?? money(source.currency, hold.amountMinor);
  assertMovableAmount(amount);
  requireCurrency(source, amount);
  requireCurrency(target, amount);
  if (amount.amountMinor > hold.amountMinor) throw walletErrors.amountExceedsHold(holdId, amount);
  requireRoomForCredit(target, amount, command.targetPlan);
  const captured: HoldCaptured = {
    type: 'HoldCaptured',
    data: {
      walletId: source.walletId,
      holdId,
      movementId,
      currency: amount.currency,
      capturedAmountMinor: amount.amountMinor,
      releasedAmountMinor: hold.amountMinor - amount.amountMinor,
      targetWalletId: target.walletId,
    },
  };
  const movement = { movementId, movementKind: 'hold_capture', amount, holdId, now } as const;
  const { debit, credit } = movementEvents({ ...movement, source, target });
  return { source: [captured, debit], target: [credit] };
}

function requireActiveHold(source: OpenedWallet, command: CaptureHold): ActiveHold {
  const hold = source.activeHolds.get(command.holdId);
  if (hold === undefined) {
    const ended = recentGet(source.endedHolds, command.holdId) !== undefined;
    if (ended) throw walletErrors.holdNotActive(command.holdId);
    throw walletErrors.holdNotFound(command.holdId);
  }
  // A hold past its expiry is no longer capturable, even before a sweep records HoldExpired.
  if (Date.parse(hold.expiresAt) <= command.now.getTime()) {
    throw walletErrors.holdNotActive(command.holdId);
  }
  return hold;
}
