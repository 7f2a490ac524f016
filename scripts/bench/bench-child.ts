// Bench scripts that run in a process of their own, started through bin/run-ts.cjs, so what
// they measure does not share an event loop with the load generator or with each other.
// A server child announces its port as one line `PORT <n>` on stdout; a measuring child
// prints its figures as one JSON document on stdout. Both log to stderr (inherited).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const RUN_TS = path.resolve(__dirname, '../../bin/run-ts.cjs');

function spawnScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  return spawn(process.execPath, [RUN_TS, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Starts a server script; resolves once it has printed `PORT <n>`. */
export function startServerChild(
  script: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawnScript(script, args, env);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Prints the line a server child's parent waits for (startServerChild). */
export function announcePort(port: number): void {
  process.stdout.write(`PORT ${port}\n`);
}

/** Runs a measuring script to its end; resolves with the JSON document it printed. */
export function runJsonChild<T>(
  script: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<T> {
  const child = spawnScript(script, args, env);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`${path.basename(script)} exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${path.basename(script)} printed no JSON: ${out.slice(0, 200)}`));
      }
    });
  });
}
