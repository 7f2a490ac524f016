// Applies the SQL migrations in /migrations with node-pg-migrate. Its runner takes a
// Postgres advisory lock, so several processes starting at once apply each migration once:
// the others wait for the lock (its default is to fail, which broke two CLI runs at once).
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../../migrations');
export const MIGRATIONS_TABLE = 'pgmigrations';

type Runner = (options: Record<string, unknown>) => Promise<Array<{ name: string }>>;

function loadRunner(): Runner {
  // node-pg-migrate is ESM-only; Node >= 20.19 can require() it. Loaded lazily so that
  // code paths which never migrate (tests on a pre-migrated template) never load it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('node-pg-migrate') as { runner: Runner };
  return mod.runner;
}

export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const applied = await loadRunner()({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: MIGRATIONS_TABLE,
      direction: 'up',
      count: Infinity,
      checkOrder: true,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      log: (line: string) => log(line),
      logger: { info: log, warn: log, error: log, debug: () => {} },
    });
    return applied.map((m) => m.name);
  } finally {
    await client.end();
  }
}

/** Migration names shipped with this build, in order. */
export function shippedMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.replace(/\.sql$/, ''))
    .sort();
}

/** Names of shipped migrations the database has not applied yet (for /health/ready). */
type Query = (sql: string) => Promise<{ rows: Array<{ name: string }> }>;

export async function pendingMigrations(query: Query): Promise<string[]> {
  let applied: Set<string>;
  try {
    const result = await query(`select name from ${MIGRATIONS_TABLE}`);
    applied = new Set(result.rows.map((row) => row.name));
  } catch {
    applied = new Set();
  }
  return shippedMigrations().filter((name) => !applied.has(name));
}
