// Holds on one wallet: placing one reduces `available` without moving money; release or
// expiry frees it again. (Capture moves money to another wallet: capture-hold.decider.ts.)
//
// placeHold precedence, pinned by tests in this order:
//   1. not_found (system accounts count as not found)
//   2. duplicate holdId (active or recently ended): returns no events
//   3. invalid_request: expiresInSeconds outside 1..HOLD_EXPIRES_IN_SECONDS_MAX
//   4. wallet_closed   5. wallet_frozen   6. currency_mismatch
//   7. limit_exceeded: per transfer, then daily outgoing (user wallets), then active holds.
//      A hold counts towards the daily outgoing total of the day it is placed, at its full
//      amount; its release or expiry gives that back (shared/domain/plans/daily-outgoing.ts).
//   8. insufficient_funds: available = balance - held
// releaseHold precedence: wallet not_found > hold not_found > already released (returns no
//   events) > hold_not_active (captured or expired).
// expireHolds: a HoldExpired for every active hold whose expiresAt is at or before `now`.
import { assert } from '../../errors/assert';
import { recentGet } from '../recent-entries';
import type { PlaceHold, ReleaseHold } from './wallet.commands';
import { walletErrors } from './wallet.errors';
import type { HoldExpired, WalletEvent } from './wallet.events';
import {
  assertMovableAmount,
  requireCurrency,
  requireCustomerWallet,
  requireFunds,
  requireNotClosed,
  requireNotFrozen,
  requireWithinOutgoingLimits,
  requireWallet,
} from './wallet.rules';
import { HOLDS_ACTIVE_MAX, type WalletState } from './wallet.state';

const SECONDS_PER_DAY = 24 * 60 * 60;
export const HOLD_EXPIRES_IN_SECONDS_DEFAULT = 7 * SECONDS_PER_DAY;
export const HOLD_EXPIRES_IN_SECONDS_MAX = 30 * SECONDS_PER_DAY;

export function placeHold(command: PlaceHold, state: WalletState): WalletEvent[] {
  assertMovableAmount(command.amount);
  const { amount, holdId, now } = command;
  const wallet = requireCustomerWallet(state, command.walletId);
  const known =
    wallet.activeHolds.has(holdId) || recentGet(wallet.endedHolds, holdId) !== undefined;
  if (known) return [];
  const expiresInSeconds = command.expiresInSeconds ?? HOLD_EXPIRES_IN_SECONDS_DEFAULT;
  const inRange = Number.isSafeInteger(expiresInSeconds) && expiresInSeconds >= 1;
  if (!inRange || expiresInSeconds > HOLD_EXPIRES_IN_SECONDS_MAX) {
    throw walletErrors.invalidExpiry(expiresInSeconds);
  }
  requireNotClosed(wallet);
  requireNotFrozen(wallet);
  requireCurrency(wallet, amount);
  requireWithinOutgoingLimits(wallet, amount, command.actorPlan, now);
  if (wallet.activeHolds.size >= HOLDS_ACTIVE_MAX) {
    throw walletErrors.limitExceeded(wallet.walletId, 'active_holds', amount);
  }
  requireFunds(wallet, amount);
  const expiresAt = new Date(now.getTime() + expiresInSeconds * 1000).toISOString();
  const { walletId, currency } = wallet;
  const { amountMinor } = amount;
  return [
    {
      type: 'HoldPlaced',
      data: {
        walletId,
        holdId,
        currency,
        amountMinor,
        reason: command.reason,
        expiresAt,
        placedAt: now.toISOString(),
      },
    },
  ];
}

export function releaseHold(command: ReleaseHold, state: WalletState): WalletEvent[] {
  const wallet = requireWallet(state, command.walletId);
  const { holdId } = command;
  if (wallet.activeHolds.has(holdId)) {
    // Either: a hold past its expiresAt that no sweep has expired yet is released here; both
    // free the same funds.
    return [{ type: 'HoldReleased', data: { walletId: wallet.walletId, holdId } }];
  }
  const outcome = recentGet(wallet.endedHolds, holdId);
  if (outcome === undefined) throw walletErrors.holdNotFound(holdId);
  if (outcome === 'released') return [];
  throw walletErrors.holdNotActive(holdId);
}

/** Expires every active hold due at `now`; an absent wallet holds nothing to expire. */
export function expireHolds(state: WalletState, now: Date): HoldExpired[] {
  if (state.status === 'absent') return [];
  const expired: HoldExpired[] = [];
  // Bounded: a wallet has at most HOLDS_ACTIVE_MAX active holds.
  for (const [holdId, hold] of state.activeHolds) {
    if (Date.parse(hold.expiresAt) <= now.getTime()) {
      expired.push({ type: 'HoldExpired', data: { walletId: state.walletId, holdId } });
    }
  }
  assert(expired.length <= HOLDS_ACTIVE_MAX, 'expiry is bounded by the active holds');
  return expired;
}
