// Goal: one reading of instants for the HTTP routes and the CLI: RFC 3339 with an offset is
// accepted (any offset, fractions to nanoseconds), anything without an offset or not a real
// time is refused, never guessed in a local zone.
import { parseInstant } from './instant';

test.each([
  ['2025-03-10T08:00:00Z', '2025-03-10T08:00:00.000Z'],
  ['2025-03-10T16:00:00+08:00', '2025-03-10T08:00:00.000Z'],
  ['2025-03-10T16:00:00.123+08:00', '2025-03-10T08:00:00.123Z'],
  ['2025-03-10T03:30:00.123456789-04:30', '2025-03-10T08:00:00.123Z'],
  ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
  ['2025-01-01T00:30:00+01:00', '2024-12-31T23:30:00.000Z'],
])('accepts %s', (text, iso) => {
  expect(parseInstant(text)?.toISOString()).toBe(iso);
});

test.each([
  '2025-03-10', '2025-03-10T08:00', '2025-03-10T08:00:00', '2025-03-10T08:00Z',
  '2025-03-10 08:00:00Z', '2025-13-01T00:00:00Z', '2025-02-30T00:00:00Z',
  '2025-03-10T25:00:00Z', '2025-03-10T08:00:60Z', '2025-03-10T08:00:00+0800',
  '2025-03-10T08:00:00+24:00', 'yesterday', '1741593600', '', ' 2025-03-10T08:00:00Z',
])('refuses %j', (text) => {
  expect(parseInstant(text)).toBeNull();
});
