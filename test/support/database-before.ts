// A database as an older release left it: every shipped migration before `migration` applied,
// none after. Tests seed it with what that release wrote, then start the server on it, which
// applies the rest as `npm start` would on an upgrade.
import { randomBytes } from 'node:crypto';
import {
  MIGRATIONS_DIR, MIGRATIONS_TABLE, shippedMigrations,
} from '../../shared/adapters/postgres/migrate';
import { withClient, type FreshDatabase } from '../../shared/testing/fresh-database';
import { databaseUrl, testEnv } from '../../shared/testing/test-env';

type Runner = (options: Record<string, unknown>) => Promise<unknown>;

export async function createDatabaseBefore(migration: string): Promise<FreshDatabase> {
  const count = shippedMigrations().indexOf(migration);
  if (count < 1) throw new Error(`no shipped migration ${migration} with others before it`);
  const adminUrl = testEnv.adminUrl();
  const name = `tng_t_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (admin) => admin.query(`create database ${name}`));
  const url = databaseUrl(adminUrl, name);
  // node-pg-migrate is ESM-only; Node >= 20.19 can require() it (as migrate.ts does).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runner } = require('node-pg-migrate') as { runner: Runner };
  await withClient(url, (client) => runner({
    dbClient: client,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    count,
    checkOrder: true,
    singleTransaction: true,
    log: () => {},
    logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
  }));
  return {
    name,
    url,
    drop: () => withClient(adminUrl, (admin) =>
      admin.query(`drop database if exists ${name} with (force)`).then(() => undefined)),
  };
}

