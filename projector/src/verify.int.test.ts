// Goal: `verify` compares the live rows with a replay up to the live checkpoint, never past
// it. A healthy projection that lags the head has no differences (the bug was a replay to the
// head), also when the live runner moves on while verify replays; a changed, missing or extra
// live row is reported per table and named by its key, with the live and rebuilt values of
// the columns that differ (the first ROWS_LISTED_MAX, with the total); and verify leaves no
// trace: no live checkpoint created, no scratch tables or checkpoint left.
import {
  comparePositions,
  type EventStore,
  type Position,
} from '../../shared/ports/event-store.port';
import { lastWrittenPosition } from '../../shared/testing/last-written-position';
import { readCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import { liveTables, type Projection } from './projection';
import { applyNextBatch } from './projection-runner';
import { createProjections } from './projections/registry';
import { verifyProjection } from './rebuild';
import { ROWS_LISTED_MAX } from './table-diff';
import {
  openProjectorDatabase,
  projectLive,
  sleep,
  type ProjectorDatabase,
} from './testing/projector-database';
import { seedVariedLedger } from './testing/projector-seed';

const ROUNDS = 4;
const BATCH = 6;
const BEHIND_BATCHES = 4;
const NOT_YET_READABLE_ATTEMPTS_MAX = 1_000;

let database: ProjectorDatabase;
beforeEach(async () => {
  database = await openProjectorDatabase();
  await seedVariedLedger(database.store, ROUNDS);
});
afterEach(() => database.close());

const projection = (name: 'wallets' | 'transfers' | 'users') => createProjections().get(name)!;

const verify = (target: Projection, store: EventStore = database.store) =>
  verifyProjection({ pool: database.pool, store, batchSizeMax: BATCH }, target);

/** How many events lie at or before `position`: what a replay up to it applies. */
async function eventsUpTo(position: Position): Promise<number> {
  const result = await database.pool.query<{ n: number }>(
    `select count(*)::int as n from events
      where (transaction_id, global_position) <= ($1::xid8, $2::bigint)`,
    [position.transactionId.toString(), position.globalPosition.toString()],
  );
  return result.rows[0]!.n;
}

/** `batches` live batches that apply something (waiting while nothing is readable yet). */
async function advanceLive(target: Projection, batches: number): Promise<void> {
  let done = 0;
  for (let attempt = 0; attempt < NOT_YET_READABLE_ATTEMPTS_MAX && done < batches; attempt += 1) {
    const step = await applyNextBatch({
      pool: database.pool, store: database.store, projection: target,
      checkpointName: target.name, tables: liveTables(target), batchSizeMax: BATCH,
    });
    if (step.applied > 0) done += 1;
    else await sleep(10);
  }
  expect(done).toBe(batches);
}

test('a healthy projection behind the head has no differences', async () => {
  const wallets = projection('wallets');
  await advanceLive(wallets, BEHIND_BATCHES);
  const live = await readCheckpoint(database.pool, wallets.name);
  expect(comparePositions(live!, await lastWrittenPosition(database.pool))).toBeLessThan(0);

  const outcome = await verify(wallets);
  expect(outcome).toEqual({ applied: await eventsUpTo(live!), differences: [] });
  expect(await readCheckpoint(database.pool, wallets.name)).toEqual(live);
});

test('the live runner moving on while verify replays is no difference', async () => {
  const wallets = projection('wallets');
  await advanceLive(wallets, BEHIND_BATCHES);
  let moved = false;
  // The first replay read also lets the live projection apply two more batches.
  const movingStore: EventStore = Object.create(database.store) as EventStore;
  movingStore.readAll = async (options) => {
    if (!moved) {
      moved = true;
      await advanceLive(wallets, 2);
    }
    return database.store.readAll(options);
  };
  const outcome = await verify(wallets, movingStore);
  expect(moved).toBe(true);
  const live = await readCheckpoint(database.pool, wallets.name);
  expect(outcome).toEqual({ applied: await eventsUpTo(live!), differences: [] });
});

test('verify of a projection that never ran creates no live checkpoint', async () => {
  const users = projection('users');
  expect(await verify(users)).toEqual({ applied: 0, differences: [] });
  expect(await readCheckpoint(database.pool, users.name)).toBeNull();
});

test('changed, missing and extra live rows are reported per table, named by key', async () => {
  const wallets = projection('wallets');
  await projectLive(database, wallets, BATCH);
  const bob = await database.pool.query<{ balance: bigint }>(
    `select balance from rm_wallets where wallet_id = 'w-bob'`,
  );
  const bobBalance = bob.rows[0]!.balance;
  await database.pool.query(`update rm_wallets set balance = balance + 1 where wallet_id = 'w-bob'`);
  const deleted = await database.pool.query<{ stream_version: bigint }>(
    `delete from rm_wallet_transactions
      where wallet_id = 'w-alice' and stream_version = (
        select max(stream_version) from rm_wallet_transactions where wallet_id = 'w-alice')
      returning stream_version`,
  );
  const transfers = projection('transfers');
  await projectLive(database, transfers, BATCH);
  await database.pool.query(
    `insert into rm_transfers select 'forged', kind, status, source_wallet_id, target_wallet_id,
            amount, currency, reason, note, created_at from rm_transfers limit 1`,
  );

  expect((await verify(wallets)).differences).toEqual([
    {
      table: 'rm_wallets', onlyInLive: 1, onlyInRebuild: 1, rowsTotal: 1,
      rows: [{
        key: { wallet_id: 'w-bob' },
        kind: 'changed',
        columns: {
          balance: { live: (bobBalance + 1n).toString(), rebuilt: bobBalance.toString() },
        },
      }],
    },
    {
      table: 'rm_wallet_transactions', onlyInLive: 0, onlyInRebuild: 1, rowsTotal: 1,
      rows: [{
        key: { wallet_id: 'w-alice', stream_version: deleted.rows[0]!.stream_version.toString() },
        kind: 'only-in-rebuild',
        columns: {},
      }],
    },
  ]);
  expect((await verify(transfers)).differences).toEqual([{
    table: 'rm_transfers', onlyInLive: 1, onlyInRebuild: 0, rowsTotal: 1,
    rows: [{ key: { transfer_id: 'forged' }, kind: 'only-in-live', columns: {} }],
  }]);
});

test('only the first rows that differ are listed, in key order, with the total', async () => {
  const transfers = projection('transfers');
  await projectLive(database, transfers, BATCH);
  const FORGED = ROWS_LISTED_MAX + 5;
  await database.pool.query(
    `insert into rm_transfers
       select 'forged-' || lpad(n::text, 3, '0'), kind, status, source_wallet_id,
              target_wallet_id, amount, currency, reason, note, created_at
         from (select * from rm_transfers limit 1) t, generate_series(1, $1) n`,
    [FORGED],
  );

  const [difference] = (await verify(transfers)).differences;
  expect(difference).toMatchObject({ onlyInLive: FORGED, rowsTotal: FORGED });
  expect(difference!.rows.map((row) => row.key.transfer_id)).toEqual(
    Array.from({ length: ROWS_LISTED_MAX }, (_, index) =>
      `forged-${String(index + 1).padStart(3, '0')}`),
  );
});

test('verify leaves no scratch tables or checkpoints behind', async () => {
  const wallets = projection('wallets');
  await projectLive(database, wallets, BATCH);
  await verify(wallets);
  const left = await database.pool.query(
    `select (select count(*)::int from pg_tables where tablename like '%\\_\\_verify') as tables,
            (select count(*)::int from projection_checkpoints where name like '%\\_\\_verify')
              as checkpoints`,
  );
  expect(left.rows[0]).toEqual({ tables: 0, checkpoints: 0 });
});
