// Goal: invariant 4 — rebuilding a projection from position 0 gives exactly the rows the live
// projection wrote — for wallets, transfers and users, with batch sizes that cross appends,
// including a replay that runs out of row memory and writes back mid-way. Also that the swap
// leaves the live tables as the migration made them (primary keys, index names) and no
// shadow tables or checkpoints behind.
import { readCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import { rebuildProjection } from './rebuild';
import { createProjections } from './projections/registry';
import { createWalletsProjection } from './projections/wallets.projection';
import type { Projection } from './projection';
import {
  dumpTables,
  openProjectorDatabase,
  projectLive,
  type ProjectorDatabase,
} from './testing/projector-database';
import { seedVariedLedger } from './testing/projector-seed';

const ROUNDS = 6;
const LIVE_BATCH = 7;
const REPLAY_BATCH = 11;

let database: ProjectorDatabase;
beforeAll(async () => {
  database = await openProjectorDatabase();
  await seedVariedLedger(database.store, ROUNDS);
});
afterAll(() => database.close());

const projections = [...createProjections().values()];

async function rebuild(projection: Projection): Promise<number> {
  const deps = {
    pool: database.pool, store: database.store, batchSizeMax: LIVE_BATCH,
    replayBatchSizeMax: REPLAY_BATCH,
  };
  return rebuildProjection(deps, projection);
}

async function indexesOf(table: string): Promise<string[]> {
  const result = await database.pool.query<{ indexname: string }>(
    'select indexname from pg_indexes where tablename = $1 order by indexname',
    [table],
  );
  return result.rows.map((row) => row.indexname);
}

describe.each(projections.map((projection) => [projection.name, projection] as const))(
  'rebuild %s',
  (_name, projection) => {
    test('gives the rows the live projection wrote', async () => {
      await projectLive(database, projection, LIVE_BATCH);
      const live = await dumpTables(database.pool, projection);
      for (const table of projection.tables) expect(live[table]!.length).toBeGreaterThan(0);
      const applied = await rebuild(projection);
      // A rebuild stops at the head it sees; the live runner then applies the rest.
      await projectLive(database, projection, LIVE_BATCH);
      expect(await dumpTables(database.pool, projection)).toEqual(live);
      expect(applied).toBeGreaterThan(0);
    });

    test('keeps the live indexes and constraints and leaves nothing behind', async () => {
      const before = await Promise.all(projection.tables.map(indexesOf));
      await rebuild(projection);
      expect(await Promise.all(projection.tables.map(indexesOf))).toEqual(before);
      for (const table of projection.tables) {
        const shadow = await database.pool.query('select to_regclass($1) as t', [
          `${table}__shadow`,
        ]);
        expect(shadow.rows[0].t).toBeNull();
      }
      expect(await readCheckpoint(database.pool, `${projection.name}__shadow`)).toBeNull();
    });
  },
);

test('a replay that holds more rows than it may writes back mid-way, same rows', async () => {
  const wallets = createWalletsProjection(undefined, { replayRowsInMemoryMax: 3 });
  await projectLive(database, wallets, LIVE_BATCH);
  const live = await dumpTables(database.pool, wallets);
  await rebuild(wallets);
  await projectLive(database, wallets, LIVE_BATCH);
  expect(await dumpTables(database.pool, wallets)).toEqual(live);
});

test('the primary keys are still primary keys after a rebuild', async () => {
  await rebuild(createProjections().get('wallets')!);
  const result = await database.pool.query<{ conname: string }>(
    `select conname from pg_constraint
      where contype = 'p' and conrelid = 'rm_wallet_transactions'::regclass`,
  );
  expect(result.rows.map((row) => row.conname)).toEqual(['rm_wallet_transactions_pkey']);
});
