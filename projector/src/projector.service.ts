// The projector service: one subscription per projection, each tailing the event log from its
// own checkpoint. Stopping waits for the subscriptions' current batches to commit.
import type { Pool } from 'pg';
import type { Cache } from '../../shared/ports/cache.port';
import type { EventStore } from '../../shared/ports/event-store.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { startProjection } from './projection-runner';
import { createProjections } from './projections/registry';

export type ProjectorDeps = {
  pool: Pool;
  store: EventStore;
  cache?: Cache;
  logger: Logger;
  metrics: Metrics;
  batchSizeMax: number;
};

export function startProjector(deps: ProjectorDeps): { stop(): Promise<void> } {
  const runs = [...createProjections(deps.cache).values()].map((projection) =>
    startProjection(deps, projection),
  );
  deps.logger.info({ projections: runs.length }, 'projector started');
  return {
    stop: async () => {
      await Promise.allSettled(runs.map((run) => run.stop()));
    },
  };
}
