// The one owner of the checkpoint table's SQL (migrations/0003_read_models.sql,
// projection_checkpoints): one row per named subscriber (a projection, a saga, a relay, or a
// rebuild's copy), its position in the (transaction_id, global_position) order of the log,
// and when it last moved. Everything else reads and writes checkpoints through here.
// `lockCheckpoint` takes the lock that makes one runner at a time advance a subscriber,
// whatever the number of processes. It is an advisory lock, not a row lock: a row lock would
// give the transaction an id while it waits for readAll, and an open transaction id holds
// back every reader's horizon (pg_snapshot_xmin), other subscribers included. The
// transaction gets its id only when it writes the batch's effects and checkpoint.
import type { Pool, PoolClient } from 'pg';
import { START_POSITION, type Position } from '../ports/event-store.port';

type Queryable = Pick<Pool | PoolClient, 'query'>;
type CheckpointRow = { name: string; transaction_id: unknown; global_position: unknown };

export type CheckpointStatus = Readonly<{ position: Position; updatedAt: Date }>;

/** Takes the subscriber's lock until commit and returns its checkpoint (START_POSITION if none). */
export async function lockCheckpoint(client: PoolClient, name: string): Promise<Position> {
  // Held to commit; a second runner waits here, then reads the position this one saved.
  await client.query(
    `select pg_advisory_xact_lock(hashtext('tng.projection_checkpoints'), hashtext($1))`,
    [name],
  );
  return (await readCheckpoint(client, name)) ?? START_POSITION;
}

/**
 * lockCheckpoint for several subscribers at once: one statement takes their locks (in name
 * order, so two runners of overlapping groups cannot deadlock), a second reads their
 * checkpoints once every lock is held (a fresh snapshot: what a runner that held a lock before
 * us saved is seen). Absent ones are START_POSITION.
 */
export async function lockCheckpoints(
  client: PoolClient,
  names: readonly string[],
): Promise<Map<string, Position>> {
  const sorted = [...new Set(names)].sort();
  await client.query(
    `select pg_advisory_xact_lock(hashtext('tng.projection_checkpoints'), hashtext(name))
       from unnest($1::text[]) with ordinality as locked(name, rank) order by rank`,
    [sorted],
  );
  const saved = await readCheckpoints(client, sorted);
  return new Map(sorted.map((name) => [name, saved.get(name) ?? START_POSITION]));
}

/**
 * The checkpoint as this connection's snapshot sees it, or null if the subscriber never ran.
 * Neither inserts nor locks: verify, the gauges and the auditor read it and leave no trace.
 */
export async function readCheckpoint(queryable: Queryable, name: string): Promise<Position | null> {
  const result = await queryable.query<CheckpointRow>(
    'select name, transaction_id, global_position from projection_checkpoints where name = $1',
    [name],
  );
  const row = result.rows[0];
  return row ? positionOf(row) : null;
}

/** Moves the checkpoint; call it in the transaction that holds lockCheckpoint. */
export async function saveCheckpoint(
  client: PoolClient,
  name: string,
  position: Position,
): Promise<void> {
  await client.query(
    `insert into projection_checkpoints (name, transaction_id, global_position)
     values ($1, $2, $3)
     on conflict (name) do update
       set transaction_id = excluded.transaction_id,
           global_position = excluded.global_position, updated_at = now()`,
    [name, position.transactionId.toString(), position.globalPosition.toString()],
  );
}

/** saveCheckpoint for several subscribers in one statement (under lockCheckpoints). */
export async function saveCheckpoints(
  client: PoolClient,
  positions: ReadonlyMap<string, Position>,
): Promise<void> {
  const names = [...positions.keys()];
  const at = [...positions.values()];
  await client.query(
    `insert into projection_checkpoints (name, transaction_id, global_position)
     select * from unnest($1::text[], $2::bigint[], $3::bigint[])
     on conflict (name) do update
       set transaction_id = excluded.transaction_id,
           global_position = excluded.global_position, updated_at = now()`,
    [
      names,
      at.map((one) => one.transactionId.toString()),
      at.map((one) => one.globalPosition.toString()),
    ],
  );
}

/** The checkpoints of `names` (every subscriber if omitted); absent ones are left out. */
export async function readCheckpoints(
  queryable: Queryable,
  names?: readonly string[],
): Promise<Map<string, Position>> {
  const statuses = await readCheckpointStatus(queryable, names);
  return new Map([...statuses].map(([name, status]) => [name, status.position]));
}

/** Position and last move of `names` (every subscriber if omitted): the status listing. */
export async function readCheckpointStatus(
  queryable: Queryable,
  names?: readonly string[],
): Promise<Map<string, CheckpointStatus>> {
  const result = await queryable.query<CheckpointRow & { updated_at: Date }>(
    `select name, transaction_id, global_position, updated_at from projection_checkpoints
      where $1::text[] is null or name = any($1::text[])`,
    [names ?? null],
  );
  return new Map(
    result.rows.map((row) => [row.name, { position: positionOf(row), updatedAt: row.updated_at }]),
  );
}

/** Forgets a subscriber (a rebuild's or a verify's copy, once dropped). */
export async function deleteCheckpoint(queryable: Queryable, name: string): Promise<void> {
  await queryable.query('delete from projection_checkpoints where name = $1', [name]);
}

/** int8 columns arrive as bigint with the runtime's type parsers, as text without them. */
const positionOf = (row: CheckpointRow): Position => ({
  transactionId: BigInt(row.transaction_id as bigint | string),
  globalPosition: BigInt(row.global_position as bigint | string),
});
