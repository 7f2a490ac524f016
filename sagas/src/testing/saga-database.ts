// Test support for the sagas' int tests: a fresh database with the pool, event store, metrics
// and a silent logger the sagas service gets from the runtime, and a helper that brings the
// hold-expiry saga's subscription up to everything written (what its runner does live). It
// needs nothing from the projector: a saga keeps its own state from the log.
import { createTestPool } from '../../../shared/testing/test-pool';
import { PostgresEventStore } from '../../../shared/adapters/event-store/postgres.event-store';
import { domainEventCodec } from '../../../shared/domain/event-codec';
import { comparePositions } from '../../../shared/ports/event-store.port';
import { PG_TYPES } from '../../../shared/adapters/postgres/pg-types';
import type { Subscriber } from '../../../shared/subscriptions/subscriber';
import { stepSubscription } from '../../../shared/subscriptions/subscription-step';
import { createLogger } from '../../../shared/telemetry/logger';
import { createMetrics } from '../../../shared/telemetry/metrics';
import { createFreshDatabase } from '../../../shared/testing/fresh-database';
import { lastWrittenPosition } from '../../../shared/testing/last-written-position';
import { pendingHoldsSubscriber } from '../hold-expiry/pending-holds.subscriber';

const CATCH_UP_BATCHES_MAX = 1_000;
const NOT_YET_READABLE_WAIT_MS = 10;

export async function openSagaDatabase() {
  const db = await createFreshDatabase();
  const pool = createTestPool({ connectionString: db.url, max: 8, types: PG_TYPES });
  const store = new PostgresEventStore({ connection: { pool }, codec: domainEventCodec });
  /**
   * Steps `subscriber` until its checkpoint reaches every event written so far. readAll sees
   * a commit only once no older transaction runs anywhere in the cluster (other test files
   * too), so an empty batch may mean "not yet": wait, bounded.
   */
  const catchUp = async (subscriber: Subscriber) => {
    const last = await lastWrittenPosition(pool);
    for (let batch = 0; batch < CATCH_UP_BATCHES_MAX; batch += 1) {
      const step = await stepSubscription({ pool, store, batchSizeMax: 500 }, subscriber);
      if (step.read === 0 && comparePositions(step.position, last) >= 0) return;
      if (step.read === 0) await new Promise((r) => setTimeout(r, NOT_YET_READABLE_WAIT_MS));
    }
    throw new Error(`${subscriber.name} did not catch up`);
  };
  return {
    url: db.url,
    pool,
    store,
    metrics: createMetrics(),
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    catchUp,
    /** The hold-expiry saga's table of pending holds, up to everything written. */
    followHolds: () => catchUp(pendingHoldsSubscriber),
    close: async () => {
      await store.close();
      await pool.end();
      await db.drop();
    },
  };
}
