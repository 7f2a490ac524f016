// A projection as a subscriber of the shared subscription runner (shared/subscriptions): its
// applier runs in the transaction that moves its checkpoint ('with-checkpoint'), so a crash or
// a replay never applies an event twice. The live runner reports to the projection metrics
// (tng_projection_position, tng_projection_lag_events, tng_projector_batch_*).
import type { Pool } from 'pg';
import type { EventStore, Position } from '../../shared/ports/event-store.port';
import type { InTransactionSubscriber } from '../../shared/subscriptions/subscriber';
import { reportProjectionProgress } from '../../shared/subscriptions/subscription-metrics';
import {
  startSubscription, startSubscriptionGroup, type Subscription,
} from '../../shared/subscriptions/subscription-runner';
import { stepSubscription, type StepResult } from '../../shared/subscriptions/subscription-step';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { liveTables, type Projection, type TableNames } from './projection';

/** The projection writing into `tables` under the checkpoint `name` (live ones by default). */
export function projectionSubscriber(
  projection: Projection,
  tables: TableNames = liveTables(projection),
  name: string = projection.name,
): InTransactionSubscriber {
  return {
    name,
    role: 'projection',
    delivery: 'with-checkpoint',
    handle: (events, client) => projection.apply(client, events, tables),
  };
}

/** One batch of at most `batchSizeMax` events into `tables`, under `checkpointName`. */
export async function applyNextBatch(deps: {
  pool: Pool;
  store: EventStore;
  projection: Projection;
  checkpointName: string;
  tables: TableNames;
  batchSizeMax: number;
  until?: Position;
}): Promise<StepResult & { applied: number }> {
  const subscriber = projectionSubscriber(deps.projection, deps.tables, deps.checkpointName);
  const step = await stepSubscription(deps, subscriber);
  return { ...step, applied: step.handled };
}

export type ProjectionRunnerDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  batchSizeMax: number;
  logger: Pick<Logger, 'error' | 'warn'>;
  metrics: Metrics;
}>;

/** Keeps the live tables of `projection` up to date until stopped. */
export function startProjection(deps: ProjectionRunnerDeps, projection: Projection): Subscription {
  return startSubscription(
    { ...deps, onProgress: reportProjectionProgress(deps.metrics) },
    projectionSubscriber(projection),
  );
}

/**
 * Keeps the live tables of every projection up to date until stopped, stepping them together:
 * one transaction and one read of the log per batch for all (docs/performance.md, "The
 * projector in one transaction").
 */
export function startProjections(
  deps: ProjectionRunnerDeps,
  projections: readonly Projection[],
): Subscription {
  return startSubscriptionGroup(
    { ...deps, onProgress: reportProjectionProgress(deps.metrics) },
    'projector',
    projections.map((projection) => projectionSubscriber(projection)),
  );
}
