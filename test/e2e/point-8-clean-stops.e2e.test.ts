// Goal: `npm start` stops cleanly under a supervisor, whichever way the signal comes. The real
// `npm start` runs in its own process group (as under systemd, Docker or a terminal) on a
// temporary DATA_DIR with the embedded Postgres, and is stopped by SIGTERM to npm alone (what
// `systemctl stop` or `docker stop` send), SIGTERM and SIGINT to the whole group (Ctrl-C),
// SIGHUP to node, and SIGHUP to npm alone (npm dies of it; node must notice). Each time every
// process of its tree (npm, node, Postgres and its backends, the watchdog) must be gone,
// nothing must listen on the HTTP or Postgres port, npm must exit 0 (unless the signal killed
// npm itself), and the output must hold no warning. Then node is killed with SIGKILL: its
// Postgres must not keep serving, and the next start on the same DATA_DIR must come up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readPostmasterLock } from '../../shared/adapters/postgres/postmaster-pid';
import {
  childrenOf, cleanEnv, freePort, isListening, isReady, isRunning, killQuietly, processTree,
  spawnGroup, waitFor, type Spawned,
} from '../support/processes';

const READY_WAIT_MS_MAX = 45_000;
const STOP_WAIT_MS_MAX = 15_000;
// pino warn/error/fatal lines, npm's own complaints, Node's warnings, Postgres's.
const WARNING = /"level":(40|50|60)|npm (warn|error|ERR!)|Warning|WARNING|FATAL/;

type Started = Readonly<{
  spawned: Spawned;
  npmPid: number;
  nodePid: number;
  postgresPid: number;
  postgresPort: number;
  exited: Promise<number | null>;
}>;

const dataDir = mkdtempSync(path.join(tmpdir(), 'tng-e2e-stops-'));
const pgDir = path.join(dataDir, 'postgres');
let httpPort = 0;
let current: Started | undefined;

jest.setTimeout(READY_WAIT_MS_MAX + 2 * STOP_WAIT_MS_MAX);

beforeAll(async () => {
  httpPort = await freePort();
});

afterAll(() => {
  // Whatever a failed step left behind: the group, then a Postgres that outlived it.
  if (current) killQuietly(-current.npmPid, 'SIGKILL');
  killQuietly(readPostmasterLock(pgDir)?.pid, 'SIGQUIT');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<Started> {
  const env = cleanEnv({ DATA_DIR: dataDir, PORT: String(httpPort) });
  const spawned = spawnGroup('npm', ['start'], env);
  const exited = new Promise<number | null>((resolve) => spawned.child.once('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  const npmPid = spawned.child.pid ?? 0;
  current = { spawned, npmPid, nodePid: 0, postgresPid: 0, postgresPort: 0, exited };
  await waitFor('/health/ready', async () => {
    if (gone) throw new Error(`npm start exited early:\n${spawned.output()}`);
    return isReady(`http://127.0.0.1:${httpPort}`);
  }, READY_WAIT_MS_MAX);
  const lock = readPostmasterLock(pgDir);
  const [nodePid] = childrenOf(npmPid);
  expect(lock).toBeDefined();
  expect(nodePid).toBeDefined();
  current = {
    ...current,
    nodePid: nodePid ?? 0,
    postgresPid: lock?.pid ?? 0,
    postgresPort: lock?.port ?? 0,
  };
  return current;
}

/** `npmExit` null: npm itself is killed by the signal (it does not handle SIGHUP). */
async function expectCleanStop(
  started: Started,
  send: () => void,
  npmExit: number | null = 0,
): Promise<void> {
  const tree = [...new Set([...processTree(started.npmPid), started.postgresPid])];
  expect(tree).toEqual(expect.arrayContaining([started.nodePid, started.postgresPid]));
  expect(await isListening(started.postgresPort)).toBe(true);
  send();
  await waitFor('the process tree to end', () => !tree.some(isRunning), STOP_WAIT_MS_MAX)
    .catch(() => undefined);
  expect(tree.filter(isRunning)).toEqual([]);
  expect(await started.exited).toBe(npmExit);
  expect(await isListening(httpPort)).toBe(false);
  expect(await isListening(started.postgresPort)).toBe(false);
  expect(started.spawned.output()).not.toMatch(WARNING);
  current = undefined;
}

describe('issue 8, point 8: Clean stops under a supervisor', () => {
  test('SIGTERM to npm alone (systemd, docker stop) stops node and Postgres', async () => {
    const started = await start();
    await expectCleanStop(started, () => process.kill(started.npmPid, 'SIGTERM'));
  });

  test('SIGTERM to the whole process group stops everything once', async () => {
    const started = await start();
    await expectCleanStop(started, () => process.kill(-started.npmPid, 'SIGTERM'));
  });

  test('SIGINT to the whole process group (Ctrl-C) stops everything without a warning',
    async () => {
      const started = await start();
      await expectCleanStop(started, () => process.kill(-started.npmPid, 'SIGINT'));
    });

  test('SIGHUP to node stops it and its Postgres', async () => {
    const started = await start();
    await expectCleanStop(started, () => process.kill(started.nodePid, 'SIGHUP'));
  });

  test('SIGHUP to npm alone (which npm does not forward) stops node too', async () => {
    const started = await start();
    await expectCleanStop(started, () => process.kill(started.npmPid, 'SIGHUP'), null);
  });

  test('after kill -9 of node, Postgres stops on its own and the next start recovers',
    async () => {
      const killed = await start();
      process.kill(killed.nodePid, 'SIGKILL');
      await killed.exited;
      await waitFor('the orphaned Postgres to stop', () => !isRunning(killed.postgresPid),
        STOP_WAIT_MS_MAX).catch(() => undefined);
      expect(isRunning(killed.postgresPid)).toBe(false);
      const restarted = await start();
      expect(restarted.postgresPid).not.toBe(killed.postgresPid);
      await expectCleanStop(restarted, () => process.kill(-restarted.npmPid, 'SIGTERM'));
    });
});
