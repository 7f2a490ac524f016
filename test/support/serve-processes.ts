// Several real `tng serve` processes on one fresh database, as an operator scales out. Each
// process has its own in-process per-wallet lock and its own cached state, so only the
// database's checks (the event store's expected versions) keep their concurrent writes
// apart: the guarantee that a single TestApp, whose lock serialises every request to a
// wallet, cannot put to the test.
import { createFreshDatabase, type FreshDatabase } from '../../shared/testing/fresh-database';
import { logIn, signUp, type HttpTarget, type User } from './api';
import { runTng, type CliRun } from './ledger-checks';
import { cleanEnv, isReady, killQuietly, spawnGroup, waitFor, type Spawned } from './processes';

const READY_WAIT_MS_MAX = 30_000;
const STOP_WAIT_MS_MAX = 10_000;
// What a stopped or failed process printed last, for the failure message.
const OUTPUT_TAIL_CHARS = 4_000;
const LISTENING = /Mini TNG is listening on (http:\/\/\S+)/;
export const CLUSTER_JWT_SECRET = 'cluster-secret-cluster-secret-cluster-0123456789';

export type ServeProcess = HttpTarget & Readonly<{ pid: number; output: () => string }>;

export type ServeCluster = Readonly<{
  db: FreshDatabase;
  servers: readonly ServeProcess[];
  /** Runs the real `tng` CLI against the cluster's database. */
  tng: (...args: string[]) => Promise<CliRun>;
  /** Stops every process (SIGKILL after a grace period) and drops the database. */
  stop: () => Promise<void>;
}>;

/**
 * `count` processes of `node bin/tng.cjs serve` (all four services each) on one fresh
 * database, each on a port of its own choosing, with one JWT secret so that a token issued
 * by one is accepted by the others. Each migrates at start (a no-op: the database is cloned
 * from the run's migrated template, and the runner waits for its advisory lock anyway). They
 * start one after the other, so the first alone opens the system accounts at start-up and
 * the concurrency a test sees is that of its own requests. If any process fails to start,
 * all are killed and the database dropped before this throws.
 */
export async function startServeCluster(
  count: number,
  env: Record<string, string> = {},
): Promise<ServeCluster> {
  const db = await createFreshDatabase();
  const spawned: Spawned[] = [];
  const stopAll = async () => {
    await Promise.all(spawned.map(stopProcess));
    await db.drop();
  };
  const servers: ServeProcess[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const started = spawnGroup(process.execPath, ['bin/tng.cjs', 'serve'], cleanEnv({
        DATABASE_URL: db.url,
        PORT: '0',
        NODE_ENV: 'test',
        JWT_SECRET: CLUSTER_JWT_SECRET,
        LOG_LEVEL: 'warn',
        RATE_LIMITS: 'off',
        DB_POOL_SIZE_MAX: '16',
        ...env,
      }));
      spawned.push(started);
      servers.push(await waitUntilReady(started));
    }
    return { db, servers, tng: (...args) => runTng(db.url, ...args), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function waitUntilReady(spawned: Spawned): Promise<ServeProcess> {
  const pid = spawned.child.pid ?? 0;
  let url: string | undefined;
  await waitFor(`tng serve (pid ${pid}) to be ready`, async () => {
    if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) {
      throw new Error(`tng serve exited early:\n${spawned.output().slice(-OUTPUT_TAIL_CHARS)}`);
    }
    url ??= LISTENING.exec(spawned.output())?.[1];
    return url !== undefined && (await isReady(url));
  }, READY_WAIT_MS_MAX);
  return { url: url!, pid, output: spawned.output };
}

/** SIGTERM to the process group, then SIGKILL if it has not exited in time. */
async function stopProcess(spawned: Spawned): Promise<void> {
  const { child } = spawned;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killQuietly(-child.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_WAIT_MS_MAX);
  });
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    killQuietly(-child.pid, 'SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/** The server for the `index`-th request: requests alternate between the processes. */
export const serverOf = (cluster: ServeCluster, index: number): HttpTarget =>
  cluster.servers[index % cluster.servers.length]!;

/**
 * A user granted `role` by the real CLI, as an operator does, then signed in again on
 * another process (the new role is in the new token).
 */
export async function clusterOperator(cluster: ServeCluster, role: string): Promise<User> {
  const user = await signUp(serverOf(cluster, 0), role);
  const granted = await cluster.tng('users', 'grant-role', user.email, role);
  if (granted.code !== 0) throw new Error(`grant-role ${role}: ${granted.stderr}`);
  return logIn(serverOf(cluster, 1), user.email, user.userId);
}
