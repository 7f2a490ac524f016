// Test support: the last event written, in the (transaction, position) order readers follow.
// A reader (readAll) sees a commit only once no older transaction runs anywhere in the
// cluster, other test files' included, so a test that wants "everything projected" steps the
// projection until its checkpoint reaches this position rather than until a batch is empty.
import type { Pool } from 'pg';
import { START_POSITION, type Position } from '../ports/event-store.port';

export async function lastWrittenPosition(pool: Pick<Pool, 'query'>): Promise<Position> {
  const result = await pool.query<{ transaction_id: string; global_position: string }>(
    `select transaction_id::text, global_position::text from events
      order by transaction_id desc, global_position desc limit 1`,
  );
  const row = result.rows[0];
  if (!row) return START_POSITION;
  return { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) };
}
