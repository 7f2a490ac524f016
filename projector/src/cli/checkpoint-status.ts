// What `tng projections status` reads from the checkpoint table: each projection's position
// and when it last moved. Kept beside checkpoint.store.ts, which owns the table's layout.
import type { Pool } from 'pg';
import type { Position } from '../../../shared/ports/event-store.port';
import { CHECKPOINT_TABLE } from '../checkpoint.store';

export type CheckpointStatus = Readonly<{ position: Position; updatedAt: Date }>;

export async function readCheckpointStatus(pool: Pool): Promise<Map<string, CheckpointStatus>> {
  const result = await pool.query<{
    name: string; transaction_id: unknown; global_position: unknown; updated_at: Date;
  }>(`select name, transaction_id, global_position, updated_at from ${CHECKPOINT_TABLE}`);
  return new Map(result.rows.map((row) => [row.name, {
    position: {
      transactionId: BigInt(row.transaction_id as bigint | string),
      globalPosition: BigInt(row.global_position as bigint | string),
    },
    updatedAt: row.updated_at,
  }]));
}
