// Goal: `--at` takes RFC 3339 instants with an offset, as the HTTP routes do, and refuses
// anything else (a date alone, a time without an offset) as bad usage naming the form.
import { UsageError } from '../../shared/cli/cli-errors';
import { parseInstant } from './instant';

test.each([
  ['2025-03-10T08:00:00Z', '2025-03-10T08:00:00.000Z'],
  ['2025-03-10T16:00:00.123+08:00', '2025-03-10T08:00:00.123Z'],
])('accepts %s', (text, iso) => {
  expect(parseInstant(text, '--at').toISOString()).toBe(iso);
});

test.each(['yesterday', '2025-03-10', '2025-03-10T08:00', '2025-02-30T00:00:00Z', ''])(
  'refuses %j as bad usage', (text) => {
    expect(() => parseInstant(text, '--at')).toThrow(UsageError);
    expect(() => parseInstant(text, '--at')).toThrow(/RFC 3339 instant with an offset/);
  });
