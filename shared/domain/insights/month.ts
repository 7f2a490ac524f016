// Calendar months as statements and insights count them: a month is a calendar month in
// Malaysia's time zone, Asia/Kuala_Lumpur, which has been UTC+08:00 all year since 1982 (no
// daylight saving), so a fixed offset is exact and needs no time-zone database. A movement
// belongs to the month of its recorded instant in that zone (docs/insights.md, "Months").
// Pure: the current instant comes in as an argument.
import { DomainError } from '../../errors/domain-error';

/** Asia/Kuala_Lumpur's offset from UTC, in milliseconds. */
export const MONTH_ZONE_OFFSET_MS = 8 * 60 * 60 * 1000;
export const MONTH_ZONE = 'Asia/Kuala_Lumpur';

export type Month = Readonly<{ year: number; month: number }>; // month: 1..12

/** yyyy-mm, years 2000 to 2999 (older money did not move through this ledger). */
export const MONTH_PATTERN = /^(2[0-9]{3})-(0[1-9]|1[0-2])$/;

export function parseMonth(text: string): Month {
  const match = MONTH_PATTERN.exec(text);
  if (!match) throw new DomainError('invalid_request', `not a month (yyyy-mm): ${text}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export const formatMonth = (month: Month): string =>
  `${String(month.year).padStart(4, '0')}-${String(month.month).padStart(2, '0')}`;

/** The month `offset` months after `month` (negative: before). */
export function shiftMonth(month: Month, offset: number): Month {
  const index = month.year * 12 + (month.month - 1) + offset;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** Months from `from` to `to`: negative when `to` is before `from`. */
export const monthsBetween = (from: Month, to: Month): number =>
  to.year * 12 + to.month - (from.year * 12 + from.month);

/** The first instant of the month and the first instant of the next one (exclusive). */
export function monthBounds(month: Month): Readonly<{ start: Date; end: Date }> {
  const startOf = (m: Month) => new Date(Date.UTC(m.year, m.month - 1, 1) - MONTH_ZONE_OFFSET_MS);
  return { start: startOf(month), end: startOf(shiftMonth(month, 1)) };
}

/** The month an instant falls in, in the zone. */
export function monthOf(instant: Date): Month {
  const local = new Date(instant.getTime() + MONTH_ZONE_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
}

/** The hour of the day (0..23) of an instant, in the zone. */
export const localHourOf = (instant: Date): number =>
  new Date(instant.getTime() + MONTH_ZONE_OFFSET_MS).getUTCHours();
