// Transfers between customers' wallets and payments to merchants: a debit on the source
// stream and a credit on the target stream, committed together by the handler. The source is
// appended with its expected version (that is what prevents double spending); the target
// without one, so a hot merchant wallet never causes retries.
//
// Rejection precedence, pinned by tests in this order:
//   1. source not found (not_found; system accounts count as not found)
//   2. duplicate movementId on the source: returns no events. It sits this early so that a
//      retry of an accepted command answers the same whatever happened since (funds spent,
//      wallet frozen or closed).
//   3. target not found (not_found; for a payment, anything but a merchant wallet)
//   4. same_wallet
//   5. source closed, then target closed (wallet_closed)
//   6. source frozen (wallet_frozen); a frozen target still accepts the credit
//   7. currency_mismatch: the amount's currency against the source, then the target
//   8. limit_exceeded: per transfer, then daily outgoing (user sources only)
//   9. insufficient_funds: available = balance - held
//  10. max_balance_exceeded: the target's plan maximum (user targets of transfers only)
import { recentHas } from '../recent-entries';
import type { MovementEvents, PayMerchant, TransferMoney } from './wallet.commands';
import { walletErrors } from './wallet.errors';
import { movementEvents } from './wallet.movement-events';
import {
  assertMovableAmount,
  requireCurrency,
  requireCustomerWallet,
  requireFunds,
  requireMerchantWallet,
  requireNotClosed,
  requireNotFrozen,
  requireRoomForCredit,
  requireWithinOutgoingLimits,
} from './wallet.rules';
import type { WalletState } from './wallet.state';

const nothing = (): MovementEvents => ({ source: [], target: [] });

export function transfer(
  command: TransferMoney,
  sourceState: WalletState,
  targetState: WalletState,
): MovementEvents {
  return decideMovement(command, sourceState, targetState);
}

export function payment(
  command: PayMerchant,
  sourceState: WalletState,
  targetState: WalletState,
): MovementEvents {
  return decideMovement(command, sourceState, targetState);
}

function decideMovement(
  command: TransferMoney | PayMerchant,
  sourceState: WalletState,
  targetState: WalletState,
): MovementEvents {
  assertMovableAmount(command.amount);
  const { amount, movementId, now } = command;
  const source = requireCustomerWallet(sourceState, command.sourceWalletId);
  if (recentHas(source.recentMovements, movementId)) return nothing();
  const isPayment = command.type === 'PayMerchant';
  const target = isPayment
    ? requireMerchantWallet(targetState, command.targetWalletId)
    : requireCustomerWallet(targetState, command.targetWalletId);
  if (source.walletId === target.walletId) throw walletErrors.sameWallet(source.walletId);
  requireNotClosed(source);
  requireNotClosed(target);
  requireNotFrozen(source);
  requireCurrency(source, amount);
  requireCurrency(target, amount);
  requireWithinOutgoingLimits(source, amount, command.actorPlan, now);
  requireFunds(source, amount);
  if (!isPayment) requireRoomForCredit(target, amount, command.targetPlan);
  const { debit, credit } = movementEvents({
    movementId,
    movementKind: isPayment ? 'payment' : 'transfer',
    source,
    target,
    amount,
    note: command.note,
    reference: isPayment ? command.reference : undefined,
    now,
  });
  return { source: [debit], target: [credit] };
}
