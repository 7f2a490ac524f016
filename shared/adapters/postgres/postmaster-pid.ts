// Postgres's lock file, DATA_DIR/postgres/postmaster.pid: line 1 the postmaster's pid, line 4
// its port, line 8 its status ("starting", "ready", "stopping"). We read it to know when the
// server is ready, and to clear what a killed run left behind: a postmaster whose owner died
// (stopped here), or a stale file whose pid now belongs to another process (Postgres itself
// would refuse to start, taking that process for another postmaster).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'postmaster.pid';
const LINE_PID = 0;
const LINE_PORT = 3;
const LINE_STATUS = 7;
const POLL_MS = 100;
const ORPHAN_STOP_WAIT_MS_MAX = 20_000;

export type PostmasterLock = Readonly<{ pid: number; port: number; status: string }>;

export function readPostmasterLock(pgDir: string): PostmasterLock | undefined {
  try {
    const lines = readFileSync(path.join(pgDir, LOCK_FILE), 'utf8').split('\n');
    const pid = Number(lines[LINE_PID]);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return { pid, port: Number(lines[LINE_PORT]), status: (lines[LINE_STATUS] ?? '').trim() };
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but runs as another user (the postgres user, when we are root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, whether the pid runs a postgres binary; elsewhere we cannot tell, so assume so. */
function runsPostgres(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').split('\0')[0]?.endsWith('postgres') ?? false;
  } catch {
    return false;
  }
}

/**
 * Leaves `pgDir` free for a new postmaster: stops one still running from a run whose owner
 * is gone (fast shutdown, then immediate), and removes a lock file whose pid is not ours.
 */
export async function clearLeftovers(pgDir: string, log: (line: string) => void): Promise<void> {
  const lock = readPostmasterLock(pgDir);
  if (!lock) return;
  if (lock.pid === process.pid || !isAlive(lock.pid) || !runsPostgres(lock.pid)) {
    rmSync(path.join(pgDir, LOCK_FILE), { force: true });
    return;
  }
  log(`stopping the embedded Postgres (pid ${lock.pid}) left running by a process that died`);
  process.kill(lock.pid, 'SIGINT');
  if (await exited(lock.pid, ORPHAN_STOP_WAIT_MS_MAX)) return;
  process.kill(lock.pid, 'SIGQUIT');
  if (!(await exited(lock.pid, ORPHAN_STOP_WAIT_MS_MAX))) {
    throw new Error(`the embedded Postgres (pid ${lock.pid}) in ${pgDir} did not stop`);
  }
}

async function exited(pid: number, waitMsMax: number): Promise<boolean> {
  const deadline = Date.now() + waitMsMax;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return !isAlive(pid);
}
