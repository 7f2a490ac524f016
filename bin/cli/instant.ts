// Parses the ISO-8601 instants operators type (`--at`): a date, or a date and time with an
// optional offset. Anything else is bad usage. A date alone means its UTC midnight; a time
// without an offset is local time, as JavaScript reads it.
import { UsageError } from '../../shared/cli/cli-errors';

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseInstant(text: string, option: string): Date {
  const match = ISO_8601.exec(text);
  const instant = match && isCalendarDate(match) ? new Date(text) : null;
  if (!instant || Number.isNaN(instant.getTime())) {
    throw new UsageError(`${option} must be an ISO-8601 instant such as `
      + `2025-03-10T08:00:00Z, not "${text}"`);
  }
  return instant;
}

/** JavaScript rolls 2025-02-30 over to March 2nd; an operator who typed it made a mistake. */
function isCalendarDate(match: RegExpExecArray): boolean {
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
