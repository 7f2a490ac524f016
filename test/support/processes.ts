// Child processes for end-to-end tests that run the real `tng` as an operator does: spawning
// it with its output captured, waiting for readiness, and checking afterwards that nothing it
// started is still running or listening.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
export { freePort } from '../../shared/adapters/postgres/embedded-postgres';

export const ROOT = path.resolve(__dirname, '../..');
const POLL_MS = 200;
const OUTPUT_CHARS_MAX = 50_000;

export type Spawned = Readonly<{ child: ChildProcess; output: () => string }>;

/** A newcomer's environment: nothing but what is given (no DATABASE_URL, REDIS_URL, ...). */
export function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'NODE_ENV', 'LOG_LEVEL']) {
    if (!(name in vars)) delete env[name];
  }
  return env;
}

/** Spawned in its own process group (detached), as a supervisor or a terminal runs it. */
export function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: 'pipe' });
  let output = '';
  const collect = (chunk: Buffer) =>
    (output = (output + chunk.toString()).slice(-OUTPUT_CHARS_MAX));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
}

export type Run = { code: number; stdout: string; stderr: string };

/** Runs `node bin/tng.cjs ...` to its end. */
export function tng(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/tng.cjs', ...args], { cwd: ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}


export async function waitFor(what: string, check: () => Promise<boolean> | boolean,
  waitMsMax: number): Promise<void> {
  const deadline = Date.now() + waitMsMax;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`timed out after ${waitMsMax} ms waiting for ${what}`);
}

export async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`)).status === 200;
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on the loopback port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A zombie (exited, not yet reaped by its parent) counts as gone. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function processTable(): number[][] {
  return execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
}

/** The pid and all its descendants, from `ps`. */
export function processTree(rootPid: number): number[] {
  const rows = processTable();
  const tree = [rootPid];
  for (let index = 0; index < tree.length; index += 1) {
    for (const [pid, ppid] of rows) {
      if (ppid === tree[index] && pid !== undefined && !tree.includes(pid)) tree.push(pid);
    }
  }
  return tree;
}

export const childrenOf = (parent: number): number[] =>
  processTable().filter(([, ppid]) => ppid === parent).map(([pid]) => pid ?? 0);

export function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
