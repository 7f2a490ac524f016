// Goal: `--at` takes ISO-8601 dates and instants and refuses anything else as bad usage.
import { UsageError } from '../../shared/cli/cli-errors';
import { parseInstant } from './instant';

test.each([
  ['2025-03-10', '2025-03-10T00:00:00.000Z'],
  ['2025-03-10T08:00:00Z', '2025-03-10T08:00:00.000Z'],
  ['2025-03-10T16:00:00.123+08:00', '2025-03-10T08:00:00.123Z'],
  ['2025-03-10T08:00', new Date('2025-03-10T08:00').toISOString()],
])('accepts %s', (text, iso) => {
  expect(parseInstant(text, '--at').toISOString()).toBe(iso);
});

test.each(['yesterday', '2025-13-01', '2025-02-30', '2025-03-10T25:00:00Z', '1741593600', ''])(
  'refuses %j as bad usage', (text) => {
    expect(() => parseInstant(text, '--at')).toThrow(UsageError);
  });
