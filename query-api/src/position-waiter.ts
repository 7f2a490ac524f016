// Read-your-writes: a query carrying X-Min-Position answers only once the read models it
// reads (route-read-models.ts) have applied that position, waiting at most
// READ_YOUR_WRITES_WAIT_MS_MAX, else 503 projection_lagging. The wait polls those
// projections' checkpoints, which is cheap and works across processes; the poll interval
// grows so a long wait costs little.
import type { Pool } from 'pg';
import { DomainError } from '../../shared/errors/domain-error';
import {
  comparePositions,
  decodePosition,
  type Position,
} from '../../shared/ports/event-store.port';
import type { ProjectionName } from '../../shared/read-models/read-model-names';
import { readCheckpoints } from '../../shared/subscriptions/checkpoint.store';

const POLL_INTERVAL_MS_MIN = 5;
const POLL_INTERVAL_MS_MAX = 100;

export async function waitForPosition(
  pool: Pool,
  token: string,
  readModels: readonly ProjectionName[],
  waitMsMax: number,
): Promise<void> {
  const wanted = decodePosition(token);
  if (!wanted) throw new DomainError('invalid_request', 'X-Min-Position is not a position token');
  if (readModels.length === 0) return; // The route reads the log, where every commit is.
  const deadline = Date.now() + waitMsMax;
  let intervalMs = POLL_INTERVAL_MS_MIN;
  for (;;) {
    if (await allReached(pool, readModels, wanted)) return;
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

async function allReached(
  pool: Pool,
  readModels: readonly ProjectionName[],
  wanted: Position,
): Promise<boolean> {
  const checkpoints = await readCheckpoints(pool, readModels);
  return readModels.every((name) => {
    const at = checkpoints.get(name);
    return at !== undefined && comparePositions(at, wanted) >= 0;
  });
}
