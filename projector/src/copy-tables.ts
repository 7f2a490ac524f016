// A projection's copy: its tables cloned under a suffix (`shadow` for a rebuild, `verify` for
// a verify) with a checkpoint of their own, which only the rebuild or verify that made them
// writes. A copy has the live tables' columns, constraints, indexes (some built after the
// replay, see copy-indexes.ts) and storage parameters (a fillfactor set by a migration), so
// the tables swapped in are the live ones again, names of indexes included.
import type { Pool, PoolClient } from 'pg';
import { deleteCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import { planCopyIndexes, restoreIndexNames } from './copy-indexes';
import {
  replaySessionOf,
  suffixedTables,
  type Projection,
  type ReplaySession,
  type TableNames,
} from './projection';

export type Copy = Readonly<{
  projection: Projection;
  suffix: string;
  tables: TableNames;
  checkpointName: string;
  /** The applier that fills this copy, for one replay. */
  session: ReplaySession;
}>;

export const copyOf = (projection: Projection, suffix: string): Copy => ({
  projection,
  suffix,
  tables: suffixedTables(projection, suffix),
  checkpointName: `${projection.name}__${suffix}`,
  session: replaySessionOf(projection),
});

const copyName = (copy: Copy, table: string): string => copy.tables[table]!;

/**
 * Drops what a crashed run may have left, then creates empty copies of the live tables with
 * the indexes the applier needs. Returns the statements that build the other indexes.
 */
export async function createCopy(pool: Pool, copy: Copy): Promise<string[]> {
  await dropCopy(pool, copy);
  const deferred: string[] = [];
  const insertOnly = new Set(copy.projection.insertOnlyTables ?? []);
  for (const table of copy.projection.tables) {
    const name = copyName(copy, table);
    await pool.query(`create table ${name} (like ${table} including all excluding indexes)`);
    await copyStorageParameters(pool, table, name);
    const target = { name, suffix: copy.suffix, insertOnly: insertOnly.has(table) };
    const plan = await planCopyIndexes(pool, table, target);
    for (const statement of plan.now) await pool.query(statement);
    deferred.push(...plan.deferred);
  }
  return deferred;
}

export async function dropCopy(pool: Pool, copy: Copy): Promise<void> {
  for (const table of copy.projection.tables) {
    await pool.query(`drop table if exists ${copyName(copy, table)}`);
  }
  await deleteCheckpoint(pool, copy.checkpointName);
}

/**
 * Inside the caller's transaction: the copies take the live tables' names, the old tables
 * are dropped and the copies' indexes take the live indexes' names. Readers of the live
 * tables block on the renames until the transaction ends, then read the new tables.
 */
export async function swapCopyIn(client: PoolClient, copy: Copy): Promise<void> {
  for (const table of copy.projection.tables) {
    await client.query(`alter table ${table} rename to ${table}__old`);
    await client.query(`alter table ${copyName(copy, table)} rename to ${table}`);
    await client.query(`drop table ${table}__old`);
    await restoreIndexNames(client, table, copy.suffix);
  }
}

async function copyStorageParameters(pool: Pool, table: string, target: string): Promise<void> {
  const result = await pool.query<{ reloptions: string[] | null }>(
    'select reloptions from pg_class where oid = $1::regclass',
    [table],
  );
  const reloptions = result.rows[0]?.reloptions ?? [];
  // The catalog's own `name=value` strings, so they are safe to splice in.
  if (reloptions.length > 0) await pool.query(`alter table ${target} set (${reloptions.join(', ')})`);
}
