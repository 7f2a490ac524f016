// Rebuilds a projection without downtime: replay the whole log into shadow tables while the
// live tables keep serving, then, holding the live checkpoint lock (which pauses the live
// runner), catch up the last events and swap the tables by renaming, in one transaction.
// `verify` does the same into scratch tables, stops at the live checkpoint, and diffs.
import type { Pool, PoolClient } from 'pg';
import { comparePositions, type EventStore } from '../../shared/ports/event-store.port';
import { lockCheckpoint, saveCheckpoint } from './checkpoint.store';
import { applyNextBatch } from './projection-runner';
import { suffixedTables, type Projection, type TableNames } from './projection';

export type Progress = (applied: number, total: number) => void;
type Deps = { pool: Pool; store: EventStore; batchSizeMax: number; onProgress?: Progress };

export async function rebuildProjection(deps: Deps, projection: Projection): Promise<number> {
  const tables = suffixedTables(projection, 'shadow');
  const checkpointName = `${projection.name}__shadow`;
  await createCopies(deps.pool, projection, tables, checkpointName);
  let applied = await replay(deps, projection, tables, checkpointName);
  const client = await deps.pool.connect();
  try {
    await client.query('begin');
    await lockCheckpoint(client, projection.name); // The live runner waits from here on.
    applied += await replayOn(client, deps, projection, tables, checkpointName);
    const position = await lockCheckpoint(client, checkpointName);
    for (const table of projection.tables) {
      await client.query(`alter table ${table} rename to ${table}__old`);
      await client.query(`alter table ${tables[table]} rename to ${table}`);
      await client.query(`drop table ${table}__old`);
    }
    await saveCheckpoint(client, projection.name, position);
    await client.query('delete from projection_checkpoints where name = $1', [checkpointName]);
    await client.query('commit');
    return applied;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export type Difference = { table: string; onlyInLive: number; onlyInRebuild: number };

export async function verifyProjection(
  deps: Deps,
  projection: Projection,
): Promise<{ applied: number; differences: Difference[] }> {
  const tables = suffixedTables(projection, 'verify');
  const checkpointName = `${projection.name}__verify`;
  await createCopies(deps.pool, projection, tables, checkpointName);
  try {
    let applied = await replay(deps, projection, tables, checkpointName);
    const client = await deps.pool.connect();
    try {
      await client.query('begin');
      const livePosition = await lockCheckpoint(client, projection.name);
      applied += await replayOn(client, deps, projection, tables, checkpointName, livePosition);
      const differences = await diff(client, projection, tables);
      await client.query('commit');
      return { applied, differences };
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  } finally {
    await dropCopies(deps.pool, projection, tables, checkpointName);
  }
}

async function createCopies(pool: Pool, projection: Projection, tables: TableNames, name: string) {
  await dropCopies(pool, projection, tables, name);
  for (const table of projection.tables) {
    await pool.query(`create table ${tables[table]} (like ${table} including all)`);
  }
}

async function dropCopies(pool: Pool, projection: Projection, tables: TableNames, name: string) {
  for (const table of projection.tables) await pool.query(`drop table if exists ${tables[table]}`);
  await pool.query('delete from projection_checkpoints where name = $1', [name]);
}

async function replay(deps: Deps, projection: Projection, tables: TableNames, name: string) {
  const total = await countEvents(deps.pool);
  let applied = 0;
  for (;;) {
    const step = await applyNextBatch({ ...deps, projection, checkpointName: name, tables });
    if (step.applied === 0) return applied;
    applied += step.applied;
    deps.onProgress?.(applied, Math.max(total, applied));
  }
}

/** Catches up inside the caller's transaction (its checkpoint lock held), up to `until`. */
async function replayOn(
  client: PoolClient,
  deps: Deps,
  projection: Projection,
  tables: TableNames,
  name: string,
  until?: Awaited<ReturnType<typeof lockCheckpoint>>,
): Promise<number> {
  let applied = 0;
  for (;;) {
    const after = await lockCheckpoint(client, name);
    let events = await deps.store.readAll({ after, limit: deps.batchSizeMax });
    if (until) events = events.filter((event) => comparePositions(event.position, until) <= 0);
    const last = events.at(-1);
    if (!last) return applied;
    await projection.apply(client, events, tables);
    await saveCheckpoint(client, name, last.position);
    applied += events.length;
  }
}

async function diff(client: PoolClient, projection: Projection, tables: TableNames) {
  const differences: Difference[] = [];
  for (const table of projection.tables) {
    const copy = tables[table]!;
    const count = async (a: string, b: string) => {
      const result = await client.query<{ n: bigint }>(
        `select count(*) as n from (select * from ${a} except all select * from ${b}) d`,
      );
      return Number(result.rows[0]?.n ?? 0n);
    };
    const onlyInLive = await count(table, copy);
    const onlyInRebuild = await count(copy, table);
    if (onlyInLive + onlyInRebuild > 0) differences.push({ table, onlyInLive, onlyInRebuild });
  }
  return differences;
}

async function countEvents(pool: Pool): Promise<number> {
  // The planner's estimate would do for a progress bar, but an exact count is cheap enough
  // next to a full replay and keeps the bar honest.
  const result = await pool.query<{ n: bigint }>('select count(*) as n from events');
  return Number(result.rows[0]?.n ?? 0n);
}
