// The CLI's `--at`, `--from` and `--to`: the shared reading of instants (shared/time/instant.ts,
// the same the HTTP routes use); anything else is bad usage (exit 2) naming the form expected.
import { UsageError } from '../../shared/cli/cli-errors';
import { INSTANT_FORM, parseInstant as parseRfc3339 } from '../../shared/time/instant';

export function parseInstant(text: string, option: string): Date {
  const instant = parseRfc3339(text);
  if (!instant) throw new UsageError(`${option} must be ${INSTANT_FORM}, not "${text}"`);
  return instant;
}
