// The state of one wallet, folded from its stream. `balanceMinor` is posted credits minus
// posted debits; `heldMinor` is the sum of active holds; available = balance - held.
// Invariants (asserted by evolve, enforced first by the deciders): a user or merchant
// wallet's available is never below zero; heldMinor equals the sum of `activeHolds`; every
// collection is bounded by a named ...Max. System accounts may go negative: they are the
// other side of top-ups and adjustments.
import type { CurrencyCode } from '../money/money';
import type { HoldId, MovementId, UserId, WalletId } from '../ids';
import { dailyTotalOn, NO_OUTGOING, type DailyOutgoing } from '../plans/daily-outgoing';
import { emptyRecentEntries, type RecentEntries } from '../recent-entries';
import type { SystemAccount, WalletKind } from './wallet.events';

/** Movement ids remembered for dedupe; older retries rely on the Idempotency-Key record. */
export const RECENT_MOVEMENTS_MAX = 1000;
/** Ended holds remembered, so a retried release or capture answers consistently. */
export const RECENT_HOLDS_MAX = 1000;
/** Active holds per wallet; a further HoldPlaced is refused with limit_exceeded. */
export const HOLDS_ACTIVE_MAX = 100;

export type ActiveHold = Readonly<{
  amountMinor: bigint;
  expiresAt: string;
  /**
   * The UTC day the hold counts towards the daily outgoing limit (the day it was placed),
   * where its release gives back; null for a v1 hold, which counts when captured instead.
   */
  countedOn: string | null;
}>;
export type HoldOutcome = 'captured' | 'released' | 'expired';

export type AbsentWallet = Readonly<{ status: 'absent' }>;
export type OpenedWallet = Readonly<{
  status: 'active' | 'frozen' | 'closed';
  walletId: WalletId;
  kind: WalletKind;
  ownerId: UserId | null;
  currency: CurrencyCode;
  systemAccount: SystemAccount | null;
  balanceMinor: bigint;
  heldMinor: bigint;
  activeHolds: ReadonlyMap<HoldId, ActiveHold>;
  endedHolds: RecentEntries<HoldId, HoldOutcome>;
  recentMovements: RecentEntries<MovementId, true>;
  /** What counts towards the daily outgoing limit: shared/domain/plans/daily-outgoing.ts. */
  outgoingToday: DailyOutgoing;
  /**
   * Set by the HoldCaptured of a v1 hold and read by the WalletDebited appended right after
   * it: that debit counts towards the daily limit, as captures of such holds always did.
   */
  captureCountedOnDebit: HoldId | null;
}>;
export type WalletState = AbsentWallet | OpenedWallet;

export const initialWalletState = (): WalletState => ABSENT;
const ABSENT: AbsentWallet = Object.freeze({ status: 'absent' });

export const emptyOpenedWallet = (
  opened: Pick<OpenedWallet, 'walletId' | 'kind' | 'ownerId' | 'currency' | 'systemAccount'>,
): OpenedWallet =>
  Object.freeze({
    ...opened,
    status: 'active',
    balanceMinor: 0n,
    heldMinor: 0n,
    activeHolds: new Map(),
    endedHolds: emptyRecentEntries<HoldId, HoldOutcome>(RECENT_HOLDS_MAX),
    recentMovements: emptyRecentEntries<MovementId, true>(RECENT_MOVEMENTS_MAX),
    outgoingToday: NO_OUTGOING,
    captureCountedOnDebit: null,
  });

export const availableMinor = (wallet: OpenedWallet): bigint =>
  wallet.balanceMinor - wallet.heldMinor;

/** System accounts may go negative; every other wallet must keep available >= 0. */
export const mayGoNegative = (wallet: OpenedWallet): boolean => wallet.kind === 'system';

/** Outgoing total already counted on the UTC day of `now`. */
export const outgoingMinorOn = (wallet: OpenedWallet, now: Date): bigint =>
  dailyTotalOn(wallet.outgoingToday, now);
