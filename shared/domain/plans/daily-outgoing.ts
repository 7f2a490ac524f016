// What counts towards a user wallet's daily outgoing limit: the one statement of the rule.
// The wallet's evolve folds it (shared/domain/wallet/wallet.evolve.ts) and every decider that
// can move money out reads the result through `dailyTotalOn` (wallet.rules.ts).
//
// The day of a movement is the UTC calendar day of the command that made it. On day D a
// wallet's outgoing total is:
//   + every transfer and payment debited on D;
//   + every hold placed on D, at its full amount, from the moment it is placed;
//   - a hold placed on D that is released or expires gives its whole amount back to D;
//   - a hold placed on D and captured in part gives the released rest back to D; the
//     captured part stays counted on D, the day the hold was placed, even when the capture
//     happens on a later day. The capture itself counts nothing a second time.
// Admin adjustments and top-ups never count. A give-back only lowers the total of the hold's
// own day: releasing on day E a hold placed on day D (D < E) frees no room on E.
//
// So, at every moment, total(D) >= what actually left the wallet through transfers, payments
// and captures attributed to D, and each decider refuses a movement or hold that would take
// total(D) over the plan's daily limit: no mix of them moves more in a day than allowed.
//
// Holds placed before holds counted when placed (HoldPlaced v1, no `placedAt`) keep the old
// rule: their capture counts on the day of the capture.
//
// The per-transfer limit applies to each transfer, payment and hold; a capture takes at most
// its hold, so it never exceeds the limit the hold was checked against.
import { assert } from '../../errors/assert';

/** The UTC calendar day of an instant, `YYYY-MM-DD`, the key of the daily limit. */
export const utcDay = (instant: Date | string): string =>
  (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);

/** Debits of these kinds count when debited; a hold counts when placed instead. */
export const DAILY_COUNTED_DEBITS: ReadonlySet<string> = new Set(['transfer', 'payment']);

/**
 * The outgoing total of the latest UTC day a wallet counted on. Earlier days are over, so a
 * wallet remembers only this one; a day earlier than `dayUtc` reads as closed.
 */
export type DailyOutgoing = Readonly<{ dayUtc: string; amountMinor: bigint }>;

export const NO_OUTGOING: DailyOutgoing = Object.freeze({ dayUtc: '', amountMinor: 0n });

/** The total already counted on the UTC day of `now` (zero on a new day). */
export const dailyTotalOn = (daily: DailyOutgoing, now: Date): bigint =>
  daily.dayUtc === utcDay(now) ? daily.amountMinor : 0n;

/** Adds `amountMinor` to day `dayUtc`; a later day starts afresh. */
export function countOutgoing(
  daily: DailyOutgoing,
  dayUtc: string,
  amountMinor: bigint,
): DailyOutgoing {
  if (dayUtc === daily.dayUtc) return { dayUtc, amountMinor: daily.amountMinor + amountMinor };
  // ISO days compare as strings. Either: an amount stamped with an earlier day than one
  // already seen (clock skew between handlers) counts for that day, which is over.
  return dayUtc > daily.dayUtc ? { dayUtc, amountMinor } : daily;
}

/** Gives `amountMinor` back to day `dayUtc`; nothing changes once that day is over. */
export function giveBackOutgoing(
  daily: DailyOutgoing,
  dayUtc: string,
  amountMinor: bigint,
): DailyOutgoing {
  if (dayUtc !== daily.dayUtc || amountMinor === 0n) return daily;
  const left = daily.amountMinor - amountMinor;
  // A hold counted on its day unless that day was already over, and then it never matches.
  assert(left >= 0n, 'a hold gives back at most what its day counted');
  return { dayUtc, amountMinor: left };
}
