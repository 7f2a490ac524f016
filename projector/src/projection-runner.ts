// Keeps one projection up to date: each step locks the projection's checkpoint row, reads the
// next batch of events after it, applies them and moves the checkpoint, all in one
// transaction. A crash between steps loses nothing and applies nothing twice.
import type { Pool } from 'pg';
import {
  comparePositions,
  type EventStore,
  type Position,
} from '../../shared/ports/event-store.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { lockCheckpoint, saveCheckpoint } from './checkpoint.store';
import { liveTables, type AfterCommit, type Projection, type TableNames } from './projection';

export const IDLE_WAIT_MS_MAX = 1_000;
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
  const client = await deps.pool.connect();
  try {
    await client.query('begin');
    const after = await lockCheckpoint(client, deps.checkpointName);
    let events = await deps.store.readAll({ after, limit: deps.batchSizeMax });
    if (deps.until)
      events = events.filter((event) => comparePositions(event.position, deps.until!) <= 0);
    const last = events.at(-1);
    if (!last) {
      await client.query('commit');
      return { applied: 0, position: after };
    }
    const afterCommit = await deps.projection.apply(client, events, deps.tables);
    await saveCheckpoint(client, deps.checkpointName, last.position);
    await client.query('commit');
    return {
      applied: events.length,
      position: last.position,
      afterCommit: afterCommit ?? undefined,
    };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
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
  let backoffMs = 100;
  while (!signal.aborted) {
    try {
      const step = await applyNextBatch({ ...deps, checkpointName: projection.name, tables });
      backoffMs = 100;
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
