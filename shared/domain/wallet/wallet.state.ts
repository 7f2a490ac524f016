// The state of one wallet, folded from its stream. `balanceMinor` is posted credits minus
// posted debits; `heldMinor` is the sum of active holds; available = balance - held.
// Invariants (asserted by evolve, enforced first by the deciders): a user or merchant
// wallet's available is never below zero; heldMinor equals the sum of `activeHolds`; every
// collection is bounded by a named ...Max. System accounts may go negative: they are the
// other side of top-ups and adjustments.
import type { CurrencyCode } from '../money/money';
import type { HoldId, MovementId, UserId, WalletId } from '../ids';
import { emptyRecentEntries, type RecentEntries } from '../recent-entries';
import type { SystemAccount, WalletKind } from './wallet.events';

/** Movement ids remembered for dedupe; older retries rely on the Idempotency-Key record. */
export const RECENT_MOVEMENTS_MAX = 1000;
/** Ended holds remembered, so a retried release or capture answers consistently. */
export const RECENT_HOLDS_MAX = 1000;
/** Active holds per wallet; a further HoldPlaced is refused with limit_exceeded. */
export const HOLDS_ACTIVE_MAX = 100;

export type ActiveHold = Readonly<{ amountMinor: bigint; expiresAt: string }>;
export type HoldOutcome = 'captured' | 'released' | 'expired';
/** Outgoing total of one UTC day (`YYYY-MM-DD`); an earlier day counts as zero. */
export type DailyOutgoing = Readonly<{ dayUtc: string; amountMinor: bigint }>;

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
  outgoingToday: DailyOutgoing;
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
    outgoingToday: Object.freeze({ dayUtc: '', amountMinor: 0n }),
  });

export const availableMinor = (wallet: OpenedWallet): bigint =>
  wallet.balanceMinor - wallet.heldMinor;

/** System accounts may go negative; every other wallet must keep available >= 0. */
export const mayGoNegative = (wallet: OpenedWallet): boolean => wallet.kind === 'system';

/** The UTC calendar day of an instant, `YYYY-MM-DD`, the key of the daily limit. */
export const utcDay = (instant: Date | string): string =>
  (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);

/** Outgoing total already counted on the UTC day of `now`. */
export const outgoingMinorOn = (wallet: OpenedWallet, now: Date): bigint =>
  wallet.outgoingToday.dayUtc === utcDay(now) ? wallet.outgoingToday.amountMinor : 0n;
