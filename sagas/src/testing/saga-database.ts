// Test support for the sagas' int tests: a fresh database with the pool, event store, metrics
// and a silent logger the sagas service gets from the runtime, and a helper that runs the
// wallets projection until it has caught up (what the projector service would do).
import { createTestPool } from '../../../shared/testing/test-pool';
import { liveTables } from '../../../projector/src/projection';
import { applyNextBatch } from '../../../projector/src/projection-runner';
import { createProjections } from '../../../projector/src/projections/registry';
import { PostgresEventStore } from '../../../shared/adapters/event-store/postgres.event-store';
import { domainEventCodec } from '../../../shared/domain/event-codec';
import { comparePositions } from '../../../shared/ports/event-store.port';
import { PG_TYPES } from '../../../shared/adapters/postgres/pg-types';
import { createLogger } from '../../../shared/telemetry/logger';
import { createMetrics } from '../../../shared/telemetry/metrics';
import { createFreshDatabase } from '../../../shared/testing/fresh-database';
import { lastWrittenPosition } from '../../../shared/testing/last-written-position';

const CATCH_UP_BATCHES_MAX = 1_000;

export async function openSagaDatabase() {
  const db = await createFreshDatabase();
  const pool = createTestPool({ connectionString: db.url, max: 8, types: PG_TYPES });
  const store = new PostgresEventStore({ connection: { pool }, codec: domainEventCodec });
  return {
    pool,
    store,
    metrics: createMetrics(),
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    /**
     * Applies every event written so far to the wallets read models (rm_wallets, rm_holds).
     * readAll sees a commit only once no older transaction runs anywhere in the cluster
     * (other test files too), so an empty batch may mean "not yet": wait, bounded.
     */
    projectWallets: async () => {
      const projection = createProjections().get('wallets')!;
      const tables = liveTables(projection);
      const last = await lastWrittenPosition(pool);
      for (let batch = 0; batch < CATCH_UP_BATCHES_MAX; batch += 1) {
        const step = await applyNextBatch({
          pool, store, projection, tables, checkpointName: projection.name, batchSizeMax: 500,
        });
        if (step.applied === 0 && comparePositions(step.position, last) >= 0) return;
        if (step.applied === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the wallets projection did not catch up');
    },
    close: async () => {
      await store.close();
      await pool.end();
      await db.drop();
    },
  };
}
