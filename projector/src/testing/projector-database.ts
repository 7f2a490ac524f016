// Test support for the projector's int tests: a fresh database with the pool and decoding
// event store the projector gets from the runtime, a live run that steps a projection until
// it has applied everything written, and a dump of a projection's tables in key order, so
// that two states of the read models compare with one toEqual.
import { createTestPool } from '../../../shared/testing/test-pool';
import { Pool } from 'pg';
import { PostgresEventStore } from '../../../shared/adapters/event-store/postgres.event-store';
import { domainEventCodec } from '../../../shared/domain/event-codec';
import { comparePositions, type Position } from '../../../shared/ports/event-store.port';
import { PG_TYPES } from '../../../shared/adapters/postgres/pg-types';
import { createFreshDatabase, type FreshDatabase } from '../../../shared/testing/fresh-database';
import { lastWrittenPosition } from '../../../shared/testing/last-written-position';
import { liveTables, type Projection } from '../projection';
import { applyNextBatch } from '../projection-runner';

const CATCH_UP_STEPS_MAX = 10_000;
const NOT_YET_READABLE_WAIT_MS = 10;

export type ProjectorDatabase = {
  db: FreshDatabase;
  pool: Pool;
  store: PostgresEventStore;
  close(): Promise<void>;
};

export async function openProjectorDatabase(): Promise<ProjectorDatabase> {
  const db = await createFreshDatabase();
  const pool = createTestPool({ connectionString: db.url, max: 8, types: PG_TYPES });
  // pool.end() resolves once every connection was asked to close, not once it has; the
  // forced drop that follows can then terminate one, and the pool re-emits that as an
  // 'error' event, which without a listener ends the test process. Queries fail on their
  // own, so an idle connection's error has nothing to tell a test.
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ connection: { pool }, codec: domainEventCodec });
  return {
    db,
    pool,
    store,
    close: async () => {
      await store.close();
      await pool.end();
      await db.drop();
    },
  };
}

/**
 * Steps the live projection until its checkpoint reaches everything written so far.
 * readAll sees a commit only once no older transaction runs anywhere in the cluster (other
 * test files' included), so an empty batch may mean "not yet": wait, bounded.
 */
export async function projectLive(
  database: ProjectorDatabase,
  projection: Projection,
  batchSizeMax: number,
): Promise<Position> {
  const { pool, store } = database;
  const last = await lastWrittenPosition(pool);
  const tables = liveTables(projection);
  for (let step = 0; step < CATCH_UP_STEPS_MAX; step += 1) {
    const done = await applyNextBatch({
      pool, store, projection, tables, checkpointName: projection.name, batchSizeMax,
    });
    if (comparePositions(done.position, last) >= 0) return done.position;
    if (done.applied === 0) await sleep(NOT_YET_READABLE_WAIT_MS);
  }
  throw new Error(`${projection.name} did not catch up`);
}

/** Every row of the projection's live tables, each table ordered by its key. */
export async function dumpTables(
  pool: Pool,
  projection: Projection,
): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of projection.tables) {
    const order = projection.keys[table]!.join(', ');
    dump[table] = (await pool.query(`select * from ${table} order by ${order}`)).rows;
  }
  return dump;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
