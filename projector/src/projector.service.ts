// The projector service: the projections tail the event log together, one transaction per
// batch for all of them (startProjections), each from its own checkpoint. Stopping waits for
// the current batch to commit.
import type { Pool } from 'pg';
import type { Cache } from '../../shared/ports/cache.port';
import type { EventStore } from '../../shared/ports/event-store.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { startProjections } from './projection-runner';
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
  const projections = [...createProjections(deps.cache).values()];
  const run = startProjections(deps, projections);
  deps.logger.info({ projections: projections.length }, 'projector started');
  return { stop: () => run.stop() };
}
