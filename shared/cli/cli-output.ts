// How a command's result reaches the operator: with --json, exactly one JSON document on
// stdout (errors included, so a script always has something to parse); otherwise readable
// text on stdout. Messages about failures always go to stderr as `tng: ...` too.
import { EXIT_OK, exitCodeOf, type ExitCode } from './cli-errors';

export type OutputOptions = Readonly<{ json?: boolean }>;

/** What a command produces: the JSON document, its human rendering, and the exit code. */
export type CommandResult = Readonly<{
  json: unknown;
  human: () => string;
  exitCode?: ExitCode;
}>;

/** JSON has no bigint; any that slips through is written as digits, never as a float. */
const replaceBigInt = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? value.toString() : value;

export const toJsonText = (value: unknown): string =>
  `${JSON.stringify(value, replaceBigInt, 2)}\n`;

/**
 * Runs a command body and presents its result or its error. Sets process.exitCode instead of
 * exiting, so pending writes are flushed and the runtime's close() has already run.
 */
export async function runCliCommand(
  options: OutputOptions,
  body: () => Promise<CommandResult>,
): Promise<void> {
  try {
    const result = await body();
    process.stdout.write(options.json ? toJsonText(result.json) : ensureNewline(result.human()));
    process.exitCode = result.exitCode ?? EXIT_OK;
  } catch (error) {
    const exitCode = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tng: ${message}\n`);
    if (options.json) process.stdout.write(toJsonText({ error: { exitCode, message } }));
    process.exitCode = exitCode;
  }
}

const ensureNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
