// Goal: the ledger gauges read real read models. On a balanced ledger the conservation gauge
// reads 0 per currency; stepping the projector one event at a time, it never reports a
// half-applied transaction (it skips those snapshots) and every reading it does take is 0; a
// tampered read model shows the imbalance; projection lag is head minus checkpoint, per
// projection, and falls to 0 once caught up. The saga instances gauge counts the sagas' own
// rows by state, every series at 0 before.
import { createTestPool } from '../testing/test-pool';
import { Pool } from 'pg';
import { liveTables } from '../../projector/src/projection';
import { applyNextBatch } from '../../projector/src/projection-runner';
import { createProjections } from '../../projector/src/projections/registry';
import { PostgresEventStore } from '../adapters/event-store/postgres.event-store';
import { ALICE, seedLedger } from '../audit/testing/ledger-seed';
import { domainEventCodec } from '../domain/event-codec';
import { comparePositions } from '../ports/event-store.port';
import { PG_TYPES } from '../adapters/postgres/pg-types';
import { createFreshDatabase, type FreshDatabase } from '../testing/fresh-database';
import { lastWrittenPosition } from '../testing/last-written-position';
import { updateConservationGauge } from './conservation-gauge';
import { createMetrics, type Metrics } from './metrics';
import { updateProjectionLagGauge } from './projection-lag-gauge';
import { updateSagaInstancesGauge } from './saga-instances-gauge';

let db: FreshDatabase;
let pool: Pool;
let store: PostgresEventStore;
let metrics: Metrics;
beforeEach(async () => {
  db = await createFreshDatabase();
  pool = createTestPool({ connectionString: db.url, max: 4, types: PG_TYPES });
  store = new PostgresEventStore({ connection: { pool }, codec: domainEventCodec });
  metrics = createMetrics();
});
afterEach(async () => {
  await store.close();
  await pool.end();
  await db.drop();
});

/** Steps projection `name` until it has applied every written event (bounded wait). */
async function projectAll(name: string, batchSizeMax = 500, onStep = async () => {}) {
  const last = await lastWrittenPosition(pool);
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    const projection = createProjections().get(name as 'wallets')!;
    const step = await applyNextBatch({
      pool, store, projection, tables: liveTables(projection), checkpointName: name, batchSizeMax,
    });
    if (step.applied > 0) await onStep();
    else if (comparePositions(step.position, last) >= 0) return;
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`projection ${name} did not catch up`);
}

const gaugeText = (name: string) => metrics.registry.getSingleMetricAsString(name);

/**
 * The store's head once every written event is below the read horizon: a transaction open
 * anywhere in the cluster (another test file's) holds the horizon, and so the head, back.
 */
async function settledHead(): Promise<bigint> {
  const last = await lastWrittenPosition(pool);
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    const head = await store.headPosition();
    if (comparePositions(head, last) >= 0) return head.globalPosition;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the read horizon never reached the last written event');
}

test('a balanced, fully projected ledger reads 0', async () => {
  await seedLedger(store);
  await projectAll('wallets');
  const reading = await updateConservationGauge(pool, metrics);
  expect(reading).toEqual({ status: 'updated', totals: new Map([['MYR', 0n]]) });
  expect(await gaugeText('tng_conservation_imbalance_minor')).toContain(
    'tng_conservation_imbalance_minor{currency="MYR"} 0',
  );
});

test('half-applied transactions are skipped; every reading taken is 0', async () => {
  await seedLedger(store);
  const statuses: string[] = [];
  await projectAll('wallets', 1, async () => {
    const reading = await updateConservationGauge(pool, metrics);
    statuses.push(reading.status);
    if (reading.status === 'updated') {
      expect([...reading.totals.values()].every((total) => total === 0n)).toBe(true);
    }
  });
  expect(statuses).toContain('mid-transaction');
  expect(statuses.at(-1)).toBe('updated');
  expect(await gaugeText('tng_conservation_imbalance_minor')).toContain('{currency="MYR"} 0');
});

test('a read model that lost a sen shows the imbalance', async () => {
  await seedLedger(store);
  await projectAll('wallets');
  await pool.query('update rm_wallets set balance = balance - 1 where wallet_id = $1', [ALICE]);
  await updateConservationGauge(pool, metrics);
  expect(await gaugeText('tng_conservation_imbalance_minor')).toContain(
    'tng_conservation_imbalance_minor{currency="MYR"} -1',
  );
});

test('projection lag is head minus checkpoint, and 0 once caught up', async () => {
  await seedLedger(store);
  const head = await settledHead();
  const before = await updateProjectionLagGauge(pool, store, metrics);
  expect(before).toEqual(new Map([
    ['wallets', head], ['transfers', head], ['users', head], ['top_ups', head],
  ]));
  await projectAll('wallets');
  const after = await updateProjectionLagGauge(pool, store, metrics);
  expect(after.get('wallets')).toBe(0n);
  expect(after.get('users')).toBe(head);
  expect(await gaugeText('tng_projection_lag_events')).toContain(
    'tng_projection_lag_events{projection="wallets"} 0',
  );
});

test('saga instances are counted by saga and state', async () => {
  expect(await gaugeText('tng_saga_instances')).toContain(
    'tng_saga_instances{saga="hold_expiry",state="pending"} 0',
  );
  await pool.query(`insert into saga_hold_expiry_holds (hold_id, wallet_id, expires_at) values
    ('h1', 'w1', now() - interval '1 minute'), ('h2', 'w1', now() + interval '1 hour')`);
  await pool.query(`insert into saga_topup_open (top_up_id, requested_at) values ('t1', now())`);
  await updateSagaInstancesGauge(pool, metrics);
  const text = await gaugeText('tng_saga_instances');
  expect(text).toContain('tng_saga_instances{saga="hold_expiry",state="pending"} 2');
  expect(text).toContain('tng_saga_instances{saga="hold_expiry",state="due"} 1');
  expect(text).toContain('tng_saga_instances{saga="topup_expiry",state="open"} 1');
  expect(text).toContain('tng_saga_instances{saga="notifications",state="dead_lettered"} 0');
});
