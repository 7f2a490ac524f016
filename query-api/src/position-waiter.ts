// Read-your-writes: a query carrying X-Min-Position answers only once every read model has
// applied that position, waiting at most READ_YOUR_WRITES_WAIT_MS_MAX, else 503
// projection_lagging. The wait polls the checkpoints, which is cheap and works across
// processes; the poll interval grows so a long wait costs little.
import type { Pool } from 'pg';
import { DomainError } from '../../shared/errors/domain-error';
import {
  comparePositions,
  decodePosition,
  type Position,
} from '../../shared/ports/event-store.port';
import { PROJECTION_NAMES } from '../../shared/read-models/read-model-names';

const POLL_INTERVAL_MS_MIN = 5;
const POLL_INTERVAL_MS_MAX = 100;

export async function waitForPosition(pool: Pool, token: string, waitMsMax: number) {
  const wanted = decodePosition(token);
  if (!wanted) throw new DomainError('invalid_request', 'X-Min-Position is not a position token');
  const deadline = Date.now() + waitMsMax;
  let intervalMs = POLL_INTERVAL_MS_MIN;
  for (;;) {
    if (await allReached(pool, wanted)) return;
    if (Date.now() >= deadline) {
      throw new DomainError(
        'projection_lagging',
        'read models have not reached that position yet',
        { retryAfterSeconds: 1 },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    intervalMs = Math.min(intervalMs * 2, POLL_INTERVAL_MS_MAX);
  }
}

async function allReached(pool: Pool, wanted: Position): Promise<boolean> {
  const result = await pool.query<{ transaction_id: bigint; global_position: bigint }>(
    'select transaction_id, global_position from projection_checkpoints where name = any($1)',
    [PROJECTION_NAMES],
  );
  if (result.rows.length < PROJECTION_NAMES.length) return false;
  return result.rows.every(
    (row) =>
      comparePositions(
        { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) },
        wanted,
      ) >= 0,
  );
}
