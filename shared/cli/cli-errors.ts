// The two ways a CLI command ends early, each with its exit code (docs/api.md): bad usage (2),
// found before any I/O where possible, and a failed check or missing subject (1). Any other
// error is a fault and also exits 1.

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
export type ExitCode = typeof EXIT_OK | typeof EXIT_CHECK_FAILED | typeof EXIT_USAGE;

/** The operator typed something the command cannot accept (unknown name, bad date). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command ran but its subject is missing or a check failed (e.g. unknown wallet). */
export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof UsageError ? EXIT_USAGE : EXIT_CHECK_FAILED;
}
