// Movements against a system account: admin adjustments (the other side is the
// `adjustments` account of the currency) and card top-ups (the other side is the
// `stripe_clearing` account). System accounts may go negative; they are appended without an
// expected version, and these deciders read only their existence and currency, so a handler
// may load a system account from a snapshot without replaying its (long) stream.
//
// adjustment precedence, pinned by tests in this order:
//   1. wallet not_found (system accounts count as not found)
//   2. duplicate movementId on the wallet: returns no events
//   3. wallet_closed
//   4. wallet_frozen, for debits only: a frozen wallet accepts credits
//   5. currency_mismatch: the amount's currency against the wallet
//   6. insufficient_funds, for debits only: an adjustment never overdraws a customer wallet
//   Either: a credit adjustment ignores the plan's maximum balance; it corrects history.
// topUp precedence: wallet not_found > duplicate movementId (no events) > wallet_closed >
//   currency_mismatch. A frozen wallet is credited (credits are accepted), and the maximum
//   balance is not checked: the card was charged already, so the money must land. Check it
//   when the top-up is requested instead, with checkTopUpRequest.
import { assert } from '../../errors/assert';
import type { Money } from '../money/money';
import { recentHas } from '../recent-entries';
import type { Plan } from '../plans/plan-limits';
import type { WalletId } from '../ids';
import type { AdjustBalance, CreditTopUp, SystemMovementEvents } from './wallet.commands';
import type { SystemAccount } from './wallet.events';
import { movementEvents } from './wallet.movement-events';
import {
  assertMovableAmount,
  requireCurrency,
  requireCustomerWallet,
  requireFunds,
  requireNotClosed,
  requireNotFrozen,
  requireRoomForCredit,
} from './wallet.rules';
import type { OpenedWallet, WalletState } from './wallet.state';
import { systemWalletId } from './wallet.streams';

export function adjustment(
  command: AdjustBalance,
  walletState: WalletState,
  systemState: WalletState,
): SystemMovementEvents {
  assertMovableAmount(command.amount);
  const { amount, direction, movementId, now } = command;
  const wallet = requireCustomerWallet(walletState, command.walletId);
  if (recentHas(wallet.recentMovements, movementId)) return { wallet: [], system: [] };
  requireNotClosed(wallet);
  if (direction === 'debit') requireNotFrozen(wallet);
  requireCurrency(wallet, amount);
  if (direction === 'debit') requireFunds(wallet, amount);
  const system = requireSystemAccount(systemState, 'adjustments', amount);
  const [source, target] = direction === 'debit' ? [wallet, system] : [system, wallet];
  const movement = { movementId, movementKind: 'adjustment', source, target, amount, now } as const;
  const { debit, credit } = movementEvents({ ...movement, note: command.reason });
  return direction === 'debit'
    ? { wallet: [debit], system: [credit] }
    : { wallet: [credit], system: [debit] };
}

export function topUp(
  command: CreditTopUp,
  walletState: WalletState,
  clearingState: WalletState,
): SystemMovementEvents {
  assertMovableAmount(command.amount);
  const { amount, movementId, now } = command;
  const wallet = requireCustomerWallet(walletState, command.walletId);
  if (recentHas(wallet.recentMovements, movementId)) return { wallet: [], system: [] };
  requireNotClosed(wallet);
  requireCurrency(wallet, amount);
  const clearing = requireSystemAccount(clearingState, 'stripe_clearing', amount);
  const movement = { movementId, movementKind: 'top_up', amount, now } as const;
  const { debit, credit } = movementEvents({ ...movement, source: clearing, target: wallet });
  return { wallet: [credit], system: [debit] };
}

/**
 * Before a top-up is sent to the card processor: the wallet must exist, be open and not frozen
 * (no new card charge for a frozen wallet, as for every customer command; a top-up already
 * paid is still credited), hold the currency and have room under its plan's maximum.
 * Precedence: not_found > wallet_closed > wallet_frozen > currency_mismatch >
 * max_balance_exceeded. Throws; returns nothing when allowed.
 */
export function checkTopUpRequest(
  command: Readonly<{ walletId: WalletId; amount: Money; plan: Plan }>,
  walletState: WalletState,
): void {
  assertMovableAmount(command.amount);
  const wallet = requireCustomerWallet(walletState, command.walletId);
  requireNotClosed(wallet);
  requireNotFrozen(wallet);
  requireCurrency(wallet, command.amount);
  requireRoomForCredit(wallet, command.amount, command.plan);
}

/** System accounts are opened at start-up, so a missing one is a deployment bug. */
function requireSystemAccount(
  state: WalletState,
  account: SystemAccount,
  amount: Money,
): OpenedWallet {
  const walletId = systemWalletId(account, amount.currency);
  assert(state.status !== 'absent', `system account ${walletId} is opened at start-up`);
  assert(state.walletId === walletId, 'the state passed is the system account of the currency');
  return state;
}
