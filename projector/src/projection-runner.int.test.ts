// Goal: the live runner applies every event exactly once whatever happens between batches.
// A projector that crashes mid-way and restarts from its checkpoint ends with the rows of a
// clean rebuild; a batch that fails after writing its rows leaves neither rows nor a moved
// checkpoint (rows and checkpoint share one transaction); and two runners on one projection,
// serialized by the checkpoint row lock, commit each event once.
import { createLogger } from '../../shared/telemetry/logger';
import { createMetrics } from '../../shared/telemetry/metrics';
import { lastWrittenPosition } from '../../shared/testing/last-written-position';
import { comparePositions } from '../../shared/ports/event-store.port';
import { readCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import { liveTables, type Projection } from './projection';
import { applyNextBatch, startProjection } from './projection-runner';
import { createProjections } from './projections/registry';
import { rebuildProjection } from './rebuild';
import {
  dumpTables,
  openProjectorDatabase,
  projectLive,
  sleep,
  type ProjectorDatabase,
} from './testing/projector-database';
import { seedVariedLedger } from './testing/projector-seed';

const ROUNDS = 4;
const BATCH = 5;
const CRASH_AFTER_BATCHES = 3;
const RUNNERS_WAIT_STEPS_MAX = 3_000;
const NOT_YET_READABLE_ATTEMPTS_MAX = 1_000;

let database: ProjectorDatabase;
beforeEach(async () => {
  database = await openProjectorDatabase();
  await seedVariedLedger(database.store, ROUNDS);
});
afterEach(() => database.close());

const wallets = () => createProjections().get('wallets')!;

/**
 * One live batch that applies something. An empty read may only mean "not readable yet"
 * (another test's transaction is open in the cluster), so it waits and reads again, bounded.
 */
async function step(projection: Projection) {
  for (let attempt = 0; attempt < NOT_YET_READABLE_ATTEMPTS_MAX; attempt += 1) {
    const done = await applyNextBatch({
      pool: database.pool, store: database.store, projection, checkpointName: projection.name,
      tables: liveTables(projection), batchSizeMax: BATCH,
    });
    if (done.applied > 0) return done;
    await sleep(10);
  }
  throw new Error('nothing became readable');
}

/** What a clean rebuild from position 0 writes, for comparison. */
async function rebuiltRows(projection: Projection) {
  const deps = { pool: database.pool, store: database.store, batchSizeMax: BATCH };
  await rebuildProjection(deps, projection);
  await projectLive(database, projection, BATCH); // Whatever the rebuild's head left out.
  return dumpTables(database.pool, projection);
}

test('a projector killed mid-way resumes from its checkpoint: rows as a clean rebuild', async () => {
  const inner = wallets();
  let batches = 0;
  const crashing: Projection = {
    ...inner,
    apply: async (client, events, tables) => {
      batches += 1;
      if (batches > CRASH_AFTER_BATCHES) throw new Error('killed');
      return inner.apply(client, events, tables);
    },
  };
  for (let batch = 0; batch < CRASH_AFTER_BATCHES; batch += 1) await step(crashing);
  await expect(step(crashing)).rejects.toThrow('killed');
  const atCrash = await readCheckpoint(database.pool, inner.name);
  expect(atCrash?.globalPosition).toBeGreaterThan(0n);
  const last = await lastWrittenPosition(database.pool);
  expect(comparePositions(atCrash!, last)).toBeLessThan(0); // Killed mid-way indeed.

  await projectLive(database, wallets(), BATCH); // The restarted projector.
  const resumed = await dumpTables(database.pool, inner);
  expect(await rebuiltRows(inner)).toEqual(resumed);
});

test('a batch that fails after writing its rows leaves no rows and no checkpoint', async () => {
  const inner = wallets();
  await step(inner);
  const before = await dumpTables(database.pool, inner);
  const checkpointBefore = await readCheckpoint(database.pool, inner.name);
  let rowsSeenInside = -1;
  const failing: Projection = {
    ...inner,
    apply: async (client, events, tables) => {
      await inner.apply(client, events, tables);
      // Inside the batch's transaction the rows are there; the checkpoint is not moved yet.
      const inside = await client.query('select count(*)::int as n from rm_wallet_transactions');
      rowsSeenInside = inside.rows[0].n;
      throw new Error('crash between the rows and the checkpoint');
    },
  };
  await expect(step(failing)).rejects.toThrow('crash between');
  expect(rowsSeenInside).toBeGreaterThan(before.rm_wallet_transactions!.length);
  expect(await dumpTables(database.pool, inner)).toEqual(before);
  expect(await readCheckpoint(database.pool, inner.name)).toEqual(checkpointBefore);
});

test('two runners on one projection apply each event once', async () => {
  const inner = wallets();
  const committed: string[][] = [[], []];
  const countingInto = (ids: string[]): Projection => ({
    ...inner,
    apply: async (client, events, tables) => {
      const afterCommit = await inner.apply(client, events, tables);
      return async () => {
        await afterCommit?.();
        ids.push(...events.map((event) => event.eventId)); // Only once committed.
      };
    },
  });
  const deps = {
    pool: database.pool, store: database.store, batchSizeMax: BATCH,
    logger: createLogger({ level: 'silent' }), metrics: createMetrics(),
  };
  const runs = committed.map((ids) => startProjection(deps, countingInto(ids)));
  const last = await lastWrittenPosition(database.pool);
  for (let wait = 0; wait < RUNNERS_WAIT_STEPS_MAX; wait += 1) {
    const at = await readCheckpoint(database.pool, inner.name);
    if (at && comparePositions(at, last) >= 0) break;
    await sleep(10);
  }
  await Promise.all(runs.map((run) => run.stop()));

  const events = await database.pool.query<{ event_id: string }>(
    'select event_id::text from events order by event_id',
  );
  // Both runners took part, and between them every event was committed exactly once.
  expect(committed.map((ids) => ids.length > 0)).toEqual([true, true]);
  expect(committed.flat().sort()).toEqual(events.rows.map((row) => row.event_id).sort());
  const live = await dumpTables(database.pool, inner);
  expect(await rebuiltRows(inner)).toEqual(live);
});
