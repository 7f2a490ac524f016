// Folds one wallet event into the wallet's state. Pure.
// The assertions here pair with the deciders' checks (TigerBeetle style): a decider refuses
// what would break an invariant, and evolve asserts the invariant again on the read path, so
// a bug or a tampered stream fails loudly instead of producing a wrong balance.
// Policies that are not money invariants (e.g. "no debit while frozen") are not asserted
// here: a credit appended without an expected version may legally land after a freeze or
// a close, and replay must still work.
// The daily outgoing total follows shared/domain/plans/daily-outgoing.ts: transfers and
// payments count when debited, holds when placed; releases, expiries and the released rest
// of a capture give back to the hold's own day.
import { assert, assertNever } from '../../errors/assert';
import type { HoldId } from '../ids';
import {
  countOutgoing,
  DAILY_COUNTED_DEBITS,
  giveBackOutgoing,
  utcDay,
} from '../plans/daily-outgoing';
import { recentAdd } from '../recent-entries';
import type {
  HoldCaptured,
  HoldPlaced,
  WalletCredited,
  WalletDebited,
  WalletEvent,
  WalletOpened,
} from './wallet.events';
import {
  availableMinor,
  emptyOpenedWallet,
  HOLDS_ACTIVE_MAX,
  mayGoNegative,
  type HoldOutcome,
  type OpenedWallet,
  type WalletState,
} from './wallet.state';

export function evolveWallet(state: WalletState, event: WalletEvent): WalletState {
  if (event.type === 'WalletOpened') return opened(state, event);
  assert(state.status !== 'absent', `${event.type} follows WalletOpened`);
  assert(state.walletId === event.data.walletId, 'an event belongs to its own wallet');
  switch (event.type) {
    case 'WalletDebited':
      return debited(state, event);
    case 'WalletCredited':
      return credited(state, event);
    case 'HoldPlaced':
      return holdPlaced(state, event);
    case 'HoldCaptured':
      return holdCaptured(state, event);
    case 'HoldReleased':
      return holdEnded(state, event.data.holdId, 'released');
    case 'HoldExpired':
      return holdEnded(state, event.data.holdId, 'expired');
    case 'WalletFrozen':
      assert(state.status === 'active', 'only an active wallet is frozen');
      return { ...state, status: 'frozen' };
    case 'WalletUnfrozen':
      assert(state.status === 'frozen', 'only a frozen wallet is unfrozen');
      return { ...state, status: 'active' };
    case 'WalletClosed':
      // Paired with closeWallet's wallet_not_empty check.
      assert(state.balanceMinor === 0n, 'a closed wallet holds no money');
      assert(state.heldMinor === 0n, 'a closed wallet holds no holds');
      return { ...state, status: 'closed' };
    case 'TransferRejected':
      return state; // History only: a rejection moves nothing.
    case 'FraudSuspected':
      return state; // A record for people: no decision reads it.
    default:
      return assertNever(event);
  }
}

function opened(state: WalletState, event: WalletOpened): WalletState {
  assert(state.status === 'absent', 'a wallet is opened once');
  const { walletId, kind, ownerId, currency, systemAccount } = event.data;
  const account = systemAccount ?? null;
  return emptyOpenedWallet({ walletId, kind, ownerId, currency, systemAccount: account });
}

function debited(wallet: OpenedWallet, event: WalletDebited): OpenedWallet {
  const { amountMinor, currency, movementId, occurredAt } = event.data;
  assert(currency === wallet.currency, 'a debit is in the wallet currency');
  const next: OpenedWallet = {
    ...wallet,
    balanceMinor: wallet.balanceMinor - amountMinor,
    recentMovements: recentAdd(wallet.recentMovements, movementId, true),
    outgoingToday: countsWhenDebited(wallet, event)
      ? countOutgoing(wallet.outgoingToday, utcDay(occurredAt), amountMinor)
      : wallet.outgoingToday,
    captureCountedOnDebit: null,
  };
  // Paired with insufficient_funds in the deciders.
  assert(mayGoNegative(next) || availableMinor(next) >= 0n, 'a debit never overdraws');
  return next;
}

/** Transfers and payments; a capture only of a v1 hold (the others counted when placed). */
function countsWhenDebited(wallet: OpenedWallet, event: WalletDebited): boolean {
  const { movementKind, holdId } = event.data;
  if (movementKind === 'hold_capture') {
    return holdId !== undefined && holdId === wallet.captureCountedOnDebit;
  }
  return DAILY_COUNTED_DEBITS.has(movementKind);
}

function credited(wallet: OpenedWallet, event: WalletCredited): OpenedWallet {
  const { amountMinor, currency, movementId } = event.data;
  assert(currency === wallet.currency, 'a credit is in the wallet currency');
  return {
    ...wallet,
    balanceMinor: wallet.balanceMinor + amountMinor,
    recentMovements: recentAdd(wallet.recentMovements, movementId, true),
  };
}

function holdPlaced(wallet: OpenedWallet, event: HoldPlaced): OpenedWallet {
  const { holdId, amountMinor, currency, expiresAt, placedAt } = event.data;
  assert(currency === wallet.currency, 'a hold is in the wallet currency');
  assert(!wallet.activeHolds.has(holdId), 'a hold is placed once');
  assert(wallet.activeHolds.size < HOLDS_ACTIVE_MAX, 'active holds stay bounded');
  const countedOn = placedAt === null ? null : utcDay(placedAt);
  const hold = { amountMinor, expiresAt, countedOn };
  const activeHolds = new Map(wallet.activeHolds).set(holdId, hold);
  const next: OpenedWallet = {
    ...wallet,
    heldMinor: wallet.heldMinor + amountMinor,
    activeHolds,
    outgoingToday:
      countedOn === null
        ? wallet.outgoingToday
        : countOutgoing(wallet.outgoingToday, countedOn, amountMinor),
  };
  // Paired with insufficient_funds in placeHold.
  assert(mayGoNegative(next) || availableMinor(next) >= 0n, 'a hold never overdraws');
  return next;
}

function holdCaptured(wallet: OpenedWallet, event: HoldCaptured): OpenedWallet {
  const { holdId, capturedAmountMinor, releasedAmountMinor } = event.data;
  const hold = wallet.activeHolds.get(holdId);
  assert(hold !== undefined, 'only an active hold is captured');
  // Paired with amount_exceeds_hold in captureHold.
  assert(
    capturedAmountMinor + releasedAmountMinor === hold.amountMinor,
    'a capture splits the hold',
  );
  const ended = holdEnded(wallet, holdId, 'captured', releasedAmountMinor);
  return { ...ended, captureCountedOnDebit: hold.countedOn === null ? holdId : null };
}

/** Ends a hold; `givenBackMinor` of it goes back to the daily total of the hold's day. */
function holdEnded(
  wallet: OpenedWallet,
  holdId: HoldId,
  outcome: HoldOutcome,
  givenBackMinor?: bigint,
): OpenedWallet {
  const hold = wallet.activeHolds.get(holdId);
  assert(hold !== undefined, `only an active hold is ${outcome}`);
  const activeHolds = new Map(wallet.activeHolds);
  activeHolds.delete(holdId);
  const { countedOn } = hold;
  return {
    ...wallet,
    heldMinor: wallet.heldMinor - hold.amountMinor,
    activeHolds,
    endedHolds: recentAdd(wallet.endedHolds, holdId, outcome),
    outgoingToday:
      countedOn === null
        ? wallet.outgoingToday
        : giveBackOutgoing(wallet.outgoingToday, countedOn, givenBackMinor ?? hold.amountMinor),
  };
}
