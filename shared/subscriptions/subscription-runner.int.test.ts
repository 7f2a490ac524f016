// Goal: the subscription runner against real Postgres. A transaction held open while later
// ones commit is handed over in (transaction, position) order, never skipped; stop() waits
// for the batch in flight, which commits with its checkpoint; a restart resumes after the
// checkpoint without handing anything twice; lag is reported, falling to 0 once caught up;
// a caught-up runner wakes on an append's notification, long before its poll interval; an
// effect subscriber that fails is handed the same batch again (at least once); and events
// of types a subscriber did not ask for move its checkpoint without reaching it.
import { Client, type Pool } from 'pg';
import { PostgresEventStore } from '../adapters/event-store/postgres.event-store';
import { comparePositions, START_POSITION, type RecordedEvent } from '../ports/event-store.port';
import { aStreamId, anEvent } from '../testing/event-builders';
import { createFreshDatabase, type FreshDatabase } from '../testing/fresh-database';
import { createTestPool } from '../testing/test-pool';
import { lastWrittenPosition } from '../testing/last-written-position';
import { createLogger } from '../telemetry/logger';
import { readCheckpoint } from './checkpoint.store';
import type { EffectSubscriber, InTransactionSubscriber } from './subscriber';
import {
  SETTLE_WAITS_MS,
  startSubscription,
  type SubscriptionDeps,
  type SubscriptionProgress,
} from './subscription-runner';
import { insertRawEvent } from '../testing/raw-events';

const WAIT_MS_MAX = 10_000;
/** Far beyond any wait below: a runner that answers sooner was woken by the notification. */
const POLL_MS_LONG = 60_000;
const SETTLED_MS = 2 * SETTLE_WAITS_MS.reduce((sum, ms) => sum + ms, 0);

let db: FreshDatabase;
let testPool: Pool;
let store: PostgresEventStore;
beforeEach(async () => {
  db = await createFreshDatabase();
  testPool = createTestPool({ connectionString: db.url, max: 4 });
  store = new PostgresEventStore({ connection: { pool: testPool } });
});
afterEach(async () => {
  await store.close();
  await testPool.end();
  await db.drop();
});

const pool = () => testPool;
const deps = (overrides: Partial<SubscriptionDeps> = {}): SubscriptionDeps => ({
  pool: pool(), store, logger: createLogger({ level: 'silent' }), batchSizeMax: 3,
  pollMs: 50, ...overrides,
});

/** Records what it was handed, once committed (after-commit work runs only after commit). */
function recorder(name = 'test-subscriber') {
  const handed: RecordedEvent[] = [];
  const subscriber: InTransactionSubscriber = {
    name,
    delivery: 'with-checkpoint',
    handle: async (events) => async () => {
      handed.push(...events);
    },
  };
  return { subscriber, handed };
}

async function appendTo(streamId: string, type = 'TestEvent'): Promise<string> {
  const event = anEvent({ type });
  await store.append({ streams: [{ streamId, expectedVersion: 'any', events: [event] }] });
  return event.eventId;
}

async function appendMany(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) ids.push(await appendTo(aStreamId()));
  return ids;
}


async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the subscriber's checkpoint reaches everything written so far. */
async function caughtUp(name: string): Promise<void> {
  const last = await lastWrittenPosition(pool());
  await waitUntil(async () => {
    const at = await readCheckpoint(pool(), name);
    return at !== null && comparePositions(at, last) >= 0;
  });
}

const idsOf = (events: readonly RecordedEvent[]) => events.map((event) => event.eventId);

test('a transaction held open while later ones commit is handed over, never skipped', async () => {
  const early = await appendTo(aStreamId('early'));
  const { subscriber, handed } = recorder();
  const run = startSubscription(deps(), subscriber);
  const held = new Client({ connectionString: db.url });
  await held.connect();
  try {
    await waitUntil(() => handed.length === 1);
    // The held transaction takes its id first, then later appends commit around it.
    await held.query('begin');
    await held.query('select pg_current_xact_id()');
    const later = await appendMany(5);
    const late = await insertRawEvent(held, aStreamId('late'));
    await new Promise((resolve) => setTimeout(resolve, 200)); // Several polls meanwhile.
    expect(idsOf(handed)).toEqual([early]);
    await held.query('commit');
    await waitUntil(() => handed.length === 7);
    expect(idsOf(handed)).toEqual([early, late, ...later]);
    handed.slice(1).forEach((event, index) =>
      expect(comparePositions(handed[index]!.position, event.position)).toBeLessThan(0));
  } finally {
    await held.end();
    await run.stop();
  }
});

test('stop waits for the batch in flight, which commits with its checkpoint', async () => {
  const ids = await appendMany(2);
  let entered!: () => void;
  const inFlight = new Promise<void>((resolve) => { entered = resolve; });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const handed: string[] = [];
  const run = startSubscription(deps(), {
    name: 'slow', delivery: 'with-checkpoint',
    handle: async (events) => {
      entered();
      await gate;
      handed.push(...idsOf(events));
    },
  });
  await inFlight;
  let stopped = false;
  const stopping = run.stop().then(() => { stopped = true; });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(stopped).toBe(false);
  release();
  await stopping;
  expect(handed).toEqual(ids);
  const last = await lastWrittenPosition(pool());
  expect(await readCheckpoint(pool(), 'slow')).toEqual(last);
});

test('a restart resumes after the checkpoint and hands nothing twice', async () => {
  const first = await appendMany(7);
  const { subscriber, handed } = recorder();
  const run = startSubscription(deps(), subscriber);
  await caughtUp(subscriber.name);
  await run.stop();
  expect(idsOf(handed)).toEqual(first);

  const second = await appendMany(4);
  const restarted = startSubscription(deps(), subscriber);
  await caughtUp(subscriber.name);
  await restarted.stop();
  expect(idsOf(handed)).toEqual([...first, ...second]);
});

test('lag is reported per step and falls to 0 once caught up', async () => {
  await appendMany(10);
  // All readable before the runner starts, so its first batch is a full one behind the head.
  const readable = async () => (await store.readAll({ after: START_POSITION, limit: 20 })).length;
  await waitUntil(async () => (await readable()) === 10);
  const { subscriber } = recorder();
  const reports: SubscriptionProgress[] = [];
  const run = startSubscription(deps({ onProgress: (p) => reports.push(p) }), subscriber);
  await caughtUp(subscriber.name);
  await waitUntil(() => reports.some((report) => report.read === 0));
  await run.stop();
  const busy = reports.filter((report) => report.read > 0);
  expect(busy[0]).toMatchObject({ name: subscriber.name, read: 3, handled: 3 });
  expect(busy[0]!.lagEvents).toBeGreaterThan(0n);
  expect(busy.reduce((sum, report) => sum + report.read, 0)).toBe(10);
  const idle = reports.at(-1)!;
  expect(idle.lagEvents).toBe(0n);
  expect(idle.position).toEqual(await lastWrittenPosition(pool()));
});

test('a caught-up runner wakes on the append notification, not its poll interval', async () => {
  await appendTo(aStreamId());
  const { subscriber, handed } = recorder();
  const run = startSubscription(deps({ pollMs: POLL_MS_LONG }), subscriber);
  try {
    await waitUntil(() => handed.length === 1);
    // Past the quick re-reads that follow the listener's first wake-up: now in the long wait.
    await new Promise((resolve) => setTimeout(resolve, SETTLED_MS));
    const woken = await appendTo(aStreamId());
    await waitUntil(() => handed.length === 2);
    expect(handed[1]!.eventId).toBe(woken);
  } finally {
    await run.stop();
  }
});

test('an effect that fails is handed the same batch again: at least once', async () => {
  const ids = await appendMany(2);
  const attempts: string[][] = [];
  const subscriber: EffectSubscriber = {
    name: 'relay', delivery: 'before-checkpoint',
    handle: async (events) => {
      attempts.push(idsOf(events));
      if (attempts.length === 1) throw new Error('broker unavailable');
    },
  };
  const run = startSubscription(deps(), subscriber);
  await caughtUp(subscriber.name);
  await run.stop();
  // The failed batch comes again from its first event (a later read may hold more, should
  // more have become readable meanwhile); after it, each event once.
  const [failed, ...succeeded] = attempts as [string[], ...string[][]];
  expect(succeeded[0]!.slice(0, failed.length)).toEqual(failed);
  expect(succeeded.flat()).toEqual(ids);
});

test('events of other types move the checkpoint without reaching the subscriber', async () => {
  await appendTo(aStreamId(), 'Ignored');
  const wanted = await appendTo(aStreamId(), 'Wanted');
  await appendTo(aStreamId(), 'Ignored');
  const { subscriber, handed } = recorder('picky');
  const run = startSubscription(deps(), { ...subscriber, eventTypes: ['Wanted'] });
  await caughtUp('picky');
  await run.stop();
  expect(idsOf(handed)).toEqual([wanted]);
});
