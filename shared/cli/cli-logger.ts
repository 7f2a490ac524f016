// The CLI's logger: pino writing synchronously to stderr (fd 2), so stdout carries only the
// command's output (one JSON document with --json) and no log line is lost at exit.
import pino from 'pino';
import { REDACTED_PATHS, type Logger } from '../telemetry/logger';

/** Warnings and errors only: a CLI run is short and its output is the result. */
export const CLI_LOG_LEVEL_DEFAULT = 'warn';

export function createCliLogger(level: string = CLI_LOG_LEVEL_DEFAULT): Logger {
  return pino(
    {
      level,
      name: 'tng',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
