// Keeps tng_projection_lag_events{projection} current: the head of the event log minus each
// projection's checkpoint, in global positions. As in `tng projections status`, the lag is
// approximate (positions are taken at insert and commit in (transaction, position) order) and
// never shown below zero; a projection without a checkpoint yet lags by the whole log.
// Checkpoints are read before the head: read after, they could pass it and hide a lag.
import type { Pool } from 'pg';
import type { EventStore } from '../ports/event-store.port';
import { PROJECTION_NAMES } from '../read-models/read-model-names';
import { readCheckpoints } from '../subscriptions/checkpoint.store';
import type { Metrics } from './metrics';

export async function updateProjectionLagGauge(
  pool: Pick<Pool, 'query'>,
  store: Pick<EventStore, 'headPosition'>,
  metrics: Pick<Metrics, 'projectionLag'>,
): Promise<ReadonlyMap<string, bigint>> {
  const checkpoints = await readCheckpoints(pool, PROJECTION_NAMES);
  const head = await store.headPosition();
  const lags = new Map<string, bigint>();
  // Bounded: one entry per registered projection.
  for (const projection of PROJECTION_NAMES) {
    const behind = head.globalPosition - (checkpoints.get(projection)?.globalPosition ?? 0n);
    const lag = behind > 0n ? behind : 0n;
    lags.set(projection, lag);
    metrics.projectionLag.set({ projection }, Number(lag));
  }
  return lags;
}
