// Keeps one projection up to date: each step locks the projection's checkpoint row, reads the
// next batch of events after it, applies them and moves the checkpoint, all in one
// transaction. A crash between steps loses nothing and applies nothing twice. Each batch that
// applies events is measured (events and duration, per projection); idle steps are not.
import type { Pool } from 'pg';
import type { EventStore, Position } from '../../shared/ports/event-store.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { lockCheckpoint, saveCheckpoint } from './checkpoint.store';
import { liveTables, type AfterCommit, type Projection, type TableNames } from './projection';
import { readBatch } from './read-batch';
import { inTransaction } from './transaction';

export const IDLE_WAIT_MS_MAX = 1_000;
export const ERROR_BACKOFF_MS_MIN = 100;
export const ERROR_BACKOFF_MS_MAX = 5_000;

export type StepResult = { applied: number; position: Position; afterCommit?: AfterCommit };

/** Applies at most `batchSizeMax` events to `tables` under the checkpoint named `name`. */
export async function applyNextBatch(deps: {
  pool: Pool;
  store: EventStore;
  projection: Projection;
  checkpointName: string;
  tables: TableNames;
  batchSizeMax: number;
  until?: Position;
}): Promise<StepResult> {
  return inTransaction(deps.pool, async (client) => {
    // The row lock is held to commit: a second runner on the same projection waits here and
    // then reads after the position this one saved, so each event is applied once.
    const after = await lockCheckpoint(client, deps.checkpointName);
    const events = await readBatch(deps.store, after, deps.batchSizeMax, deps.until);
    const last = events.at(-1);
    if (!last) return { applied: 0, position: after };
    const afterCommit = await deps.projection.apply(client, events, deps.tables);
    await saveCheckpoint(client, deps.checkpointName, last.position);
    return {
      applied: events.length,
      position: last.position,
      afterCommit: afterCommit ?? undefined,
    };
  });
}

export type RunnerDeps = {
  pool: Pool;
  store: EventStore;
  projection: Projection;
  batchSizeMax: number;
  logger: Logger;
  metrics: Metrics;
  onAdvance?: (name: string, position: Position) => void;
};

/** Runs until `signal` aborts; returns a promise that settles when the loop has stopped. */
export async function runProjection(deps: RunnerDeps, signal: AbortSignal): Promise<void> {
  const { projection, logger, metrics } = deps;
  const tables = liveTables(projection);
  let backoffMs = ERROR_BACKOFF_MS_MIN;
  while (!signal.aborted) {
    try {
      const started = performance.now();
      const step = await applyNextBatch({ ...deps, checkpointName: projection.name, tables });
      backoffMs = ERROR_BACKOFF_MS_MIN;
      if (step.applied > 0) {
        const labels = { projection: projection.name };
        metrics.projectorBatchEvents.observe(labels, step.applied);
        metrics.projectorBatchDuration.observe(labels, (performance.now() - started) / 1_000);
      }
      metrics.projectionPosition.set(
        { projection: projection.name },
        Number(step.position.globalPosition),
      );
      if (step.applied > 0) {
        // Caches are written after commit and may fail: they serve speed, never correctness.
        await step
          .afterCommit?.()
          .catch((error: unknown) =>
            logger.warn({ err: error, projection: projection.name }, 'after-commit work failed'),
          );
        deps.onAdvance?.(projection.name, step.position);
        continue;
      }
      await deps.store.waitForAppend(IDLE_WAIT_MS_MAX);
    } catch (error) {
      if (signal.aborted) break;
      logger.error({ err: error, projection: projection.name }, 'projection step failed');
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      backoffMs = Math.min(backoffMs * 2, ERROR_BACKOFF_MS_MAX);
    }
  }
}
