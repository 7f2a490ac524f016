// The one reading of an instant typed by a person, shared by the HTTP routes (`?at=`,
// `?from=`, `?to=`) and the CLI (`--at`, `--from`, `--to`), so both accept and refuse the same
// forms: RFC 3339 with seconds and an explicit offset (`Z` or `+08:00`). A time without an
// offset is refused rather than read in the server's or the operator's local zone, which is
// how the same text once meant two different instants on the CLI and over HTTP.

export const INSTANT_FORM =
  'an RFC 3339 instant with an offset, such as 2025-03-10T08:00:00Z or 2025-03-10T16:00:00+08:00';

const RFC_3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

const MS_PER_MINUTE = 60_000;

/** The instant, or null when `text` is not RFC 3339 with an offset or names no real time. */
export function parseInstant(text: string): Date | null {
  const match = RFC_3339.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const date = new Date(local);
  // Date.UTC rolls 2025-02-30 over to March 2nd; whoever typed it made a mistake.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1
    || date.getUTCDate() !== day) return null;
  if (match[8] === 'Z') return date;
  const [offsetHours, offsetMinutes] = [Number(match[10]), Number(match[11])];
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offset = (offsetHours * 60 + offsetMinutes) * (match[9] === '-' ? -1 : 1);
  return new Date(local - offset * MS_PER_MINUTE);
}

export const isInstant = (text: string): boolean => parseInstant(text) !== null;
