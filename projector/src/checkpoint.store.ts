// Projection checkpoints live next to the read models and are written in the same
// transaction as the rows. `lockCheckpoint` takes the lock that makes one runner at a time
// apply a projection, whatever the number of processes. It is an advisory lock, not a row
// lock: a row lock would give the transaction an id while it waits for readAll, and an open
// transaction id holds back every reader's horizon (pg_snapshot_xmin), other projections
// included. The transaction gets its id only when it writes the batch's rows.
import type { Pool, PoolClient } from 'pg';
import { START_POSITION, type Position } from '../../shared/ports/event-store.port';

export const CHECKPOINT_TABLE = 'projection_checkpoints';

export async function lockCheckpoint(client: PoolClient, name: string): Promise<Position> {
  // Held to commit; a second runner waits here, then reads the position this one saved.
  await client.query(
    `select pg_advisory_xact_lock(hashtext('tng.projection_checkpoints'),
                                                   hashtext($1))`,
    [name],
  );
  return (await readCheckpoint(client, name)) ?? START_POSITION;
}

/**
 * The checkpoint as this transaction sees it, or null if the projection has never run.
 * Neither inserts nor locks: verify reads the live checkpoint with it and must leave no trace.
 */
export async function readCheckpoint(
  queryable: Pool | PoolClient,
  name: string,
): Promise<Position | null> {
  const result = await queryable.query<{ transaction_id: bigint; global_position: bigint }>(
    `select transaction_id, global_position from ${CHECKPOINT_TABLE} where name = $1`,
    [name],
  );
  const row = result.rows[0];
  return row
    ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }
    : null;
}

export async function saveCheckpoint(
  client: PoolClient,
  name: string,
  position: Position,
): Promise<void> {
  await client.query(
    `insert into ${CHECKPOINT_TABLE} (name, transaction_id, global_position)
     values ($1, $2, $3)
     on conflict (name) do update
       set transaction_id = excluded.transaction_id,
           global_position = excluded.global_position, updated_at = now()`,
    [name, position.transactionId.toString(), position.globalPosition.toString()],
  );
}

export async function readCheckpoints(pool: Pool): Promise<Map<string, Position>> {
  const result = await pool.query<{
    name: string;
    transaction_id: bigint;
    global_position: bigint;
  }>(`select name, transaction_id, global_position from ${CHECKPOINT_TABLE}`);
  return new Map(
    result.rows.map((row) => [
      row.name,
      {
        transactionId: BigInt(row.transaction_id),
        globalPosition: BigInt(row.global_position),
      },
    ]),
  );
}
