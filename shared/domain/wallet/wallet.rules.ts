// The checks the wallet deciders share, each throwing one rejection code. The deciders call
// them in their own documented precedence; these functions decide nothing about order.
import { assert } from '../../errors/assert';
import { AMOUNT_MINOR_MAX, type Money } from '../money/money';
import type { WalletId } from '../ids';
import { planLimits, type Plan } from '../plans/plan-limits';
import { walletErrors } from './wallet.errors';
import {
  availableMinor,
  mayGoNegative,
  outgoingMinorOn,
  type OpenedWallet,
  type WalletState,
} from './wallet.state';

/** Precondition of every money command (the HTTP layer refuses the rest with 400). */
export function assertMovableAmount(amount: Money): void {
  assert(amount.amountMinor > 0n, 'a movement moves a positive amount');
  assert(amount.amountMinor <= AMOUNT_MINOR_MAX, 'a movement stays below AMOUNT_MINOR_MAX');
}

/** The wallet, or not_found. The handler must pass the state of the wallet it names. */
export function requireWallet(state: WalletState, walletId: WalletId): OpenedWallet {
  if (state.status === 'absent') throw walletErrors.notFound(walletId);
  assert(state.walletId === walletId, 'the state passed is the wallet the command names');
  return state;
}

/** A user's or merchant's wallet. System accounts are invisible to customer commands. */
export function requireCustomerWallet(state: WalletState, walletId: WalletId): OpenedWallet {
  const wallet = requireWallet(state, walletId);
  if (wallet.kind === 'system') throw walletErrors.notFound(walletId);
  return wallet;
}

export function requireMerchantWallet(state: WalletState, walletId: WalletId): OpenedWallet {
  const wallet = requireWallet(state, walletId);
  if (wallet.kind !== 'merchant') throw walletErrors.notFound(walletId);
  return wallet;
}

export function requireNotClosed(wallet: OpenedWallet): void {
  if (wallet.status === 'closed') throw walletErrors.closed(wallet.walletId);
}

/** Frozen wallets accept credits but no debits and no new holds. */
export function requireNotFrozen(wallet: OpenedWallet): void {
  if (wallet.status === 'frozen') throw walletErrors.frozen(wallet.walletId);
}

export function requireCurrency(wallet: OpenedWallet, amount: Money): void {
  if (wallet.currency !== amount.currency) {
    throw walletErrors.currencyMismatch(wallet.walletId, amount);
  }
}

/**
 * Per-transfer limit, then daily outgoing limit; only user wallets have plan limits. Used by
 * transfers, payments and holds alike; what the daily total counts (holds included) is
 * stated in shared/domain/plans/daily-outgoing.ts.
 */
export function requireWithinOutgoingLimits(
  wallet: OpenedWallet,
  amount: Money,
  plan: Plan,
  now: Date,
): void {
  if (wallet.kind !== 'user') return;
  const limits = planLimits(plan, wallet.currency);
  const { walletId } = wallet;
  if (amount.amountMinor > limits.transferAmountMinorMax) {
    throw walletErrors.limitExceeded(walletId, 'per_transfer', amount);
  }
  if (outgoingMinorOn(wallet, now) + amount.amountMinor > limits.dailyOutgoingMinorMax) {
    throw walletErrors.limitExceeded(walletId, 'daily_outgoing', amount);
  }
}

/** available = balance - held must cover the amount, except on system accounts. */
export function requireFunds(wallet: OpenedWallet, amount: Money): void {
  if (mayGoNegative(wallet)) return;
  if (availableMinor(wallet) < amount.amountMinor) {
    throw walletErrors.insufficientFunds(wallet.walletId, amount);
  }
}

/** The most a wallet may hold, or null: only user wallets have a plan maximum. */
export const balanceMinorMax = (wallet: OpenedWallet, plan: Plan): bigint | null =>
  wallet.kind === 'user' ? planLimits(plan, wallet.currency).balanceMinorMax : null;

/**
 * The target's balance after the credit must stay within its plan's maximum. Either: the
 * target's state may be slightly stale (credits are appended without an expected version),
 * so this is a soft limit that a concurrent credit can overshoot; money stays conserved.
 */
export function requireRoomForCredit(wallet: OpenedWallet, amount: Money, plan: Plan): void {
  const max = balanceMinorMax(wallet, plan);
  if (max !== null && wallet.balanceMinor + amount.amountMinor > max) {
    throw walletErrors.maxBalanceExceeded(wallet.walletId, amount);
  }
}
