// Projection checkpoints live next to the read models and are written in the same
// transaction as the rows. `lockCheckpoint` takes the row lock that makes one runner at a
// time apply a projection, whatever the number of processes.
import type { PoolClient, Pool } from 'pg';
import { START_POSITION, type Position } from '../../shared/ports/event-store.port';

export const CHECKPOINT_TABLE = 'projection_checkpoints';

export async function lockCheckpoint(client: PoolClient, name: string): Promise<Position> {
  await client.query(
    `insert into ${CHECKPOINT_TABLE} (name) values ($1) on conflict (name) do nothing`,
    [name],
  );
  const result = await client.query<{ transaction_id: bigint; global_position: bigint }>(
    `select transaction_id, global_position from ${CHECKPOINT_TABLE} where name = $1 for update`,
    [name],
  );
  const row = result.rows[0];
  return row
    ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }
    : START_POSITION;
}

export async function saveCheckpoint(
  client: PoolClient,
  name: string,
  position: Position,
): Promise<void> {
  await client.query(
    `update ${CHECKPOINT_TABLE}
        set transaction_id = $2, global_position = $3, updated_at = now()
      where name = $1`,
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
