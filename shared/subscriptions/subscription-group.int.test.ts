// Goal: subscribers stepped together (subscription-group-step.ts) against real Postgres. In
// one step each is handed exactly the events after its own checkpoint, whatever the others'
// (one behind, one ahead, one new), and every checkpoint that moved is saved with it; a
// handler that throws moves no checkpoint at all; the group runner keeps the others going
// when one member keeps failing, and hands each member every event once.
import type { Pool } from 'pg';
import { PostgresEventStore } from '../adapters/event-store/postgres.event-store';
import { comparePositions, type RecordedEvent } from '../ports/event-store.port';
import { aStreamId, anEvent } from '../testing/event-builders';
import { createFreshDatabase, type FreshDatabase } from '../testing/fresh-database';
import { createTestPool } from '../testing/test-pool';
import { lastWrittenPosition } from '../testing/last-written-position';
import { createLogger } from '../telemetry/logger';
import { readCheckpoint, saveCheckpoint } from './checkpoint.store';
import { inTransaction } from './in-transaction';
import type { InTransactionSubscriber } from './subscriber';
import { stepSubscriptionGroup } from './subscription-group-step';
import { startSubscriptionGroup } from './subscription-runner';

// Generous: the log shows a commit only once every older transaction in the cluster has
// ended, and other test files' transactions run beside these.
const WAIT_MS_MAX = 30_000;

let db: FreshDatabase;
let pool: Pool;
let store: PostgresEventStore;
beforeEach(async () => {
  db = await createFreshDatabase();
  pool = createTestPool({ connectionString: db.url, max: 4 });
  store = new PostgresEventStore({ connection: { pool } });
});
afterEach(async () => {
  await store.close();
  await pool.end();
  await db.drop();
});

/** Records what it was handed, once committed. */
function recorder(name: string, options: { failing?: () => boolean } = {}) {
  const handed: RecordedEvent[] = [];
  const subscriber: InTransactionSubscriber = {
    name,
    delivery: 'with-checkpoint',
    handle: async (events) => {
      if (options.failing?.()) throw new Error(`${name} fails`);
      return async () => {
        handed.push(...events);
      };
    },
  };
  return { subscriber, handed };
}

async function appendMany(count: number): Promise<RecordedEvent[]> {
  for (let index = 0; index < count; index += 1) {
    await store.append({
      streams: [{ streamId: aStreamId(), expectedVersion: 'any', events: [anEvent()] }],
    });
  }
  let log: RecordedEvent[] = [];
  await waitUntil(async () => {
    log = await store.readAll({ after: { transactionId: 0n, globalPosition: 0n }, limit: 10_000 });
    return log.length === count;
  });
  return log;
}

const idsOf = (events: readonly RecordedEvent[]) => events.map((event) => event.eventId);

async function placeAt(name: string, event: RecordedEvent): Promise<void> {
  await inTransaction(pool, (client) => saveCheckpoint(client, name, event.position));
}

async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('one step hands each subscriber the events after its own checkpoint, and saves them all',
  async () => {
    const log = await appendMany(6);
    const fresh = recorder('fresh');
    const middle = recorder('middle');
    const ahead = recorder('ahead');
    await placeAt('middle', log[2]!);
    await placeAt('ahead', log[5]!);
    const results = await stepSubscriptionGroup(
      { pool, store, batchSizeMax: 4 },
      [fresh.subscriber, middle.subscriber, ahead.subscriber],
    );
    await Promise.all(results.map((result) => result.afterCommit?.()));
    // The batch is read from the furthest behind (start): events 1-4.
    expect(idsOf(fresh.handed)).toEqual(idsOf(log.slice(0, 4)));
    expect(idsOf(middle.handed)).toEqual(idsOf(log.slice(3, 4)));
    expect(ahead.handed).toEqual([]);
    expect(results.map((result) => result.read)).toEqual([4, 1, 0]);
    expect(await readCheckpoint(pool, 'fresh')).toEqual(log[3]!.position);
    expect(await readCheckpoint(pool, 'middle')).toEqual(log[3]!.position);
    expect(await readCheckpoint(pool, 'ahead')).toEqual(log[5]!.position);
  });

test('a handler that throws moves no checkpoint of the group', async () => {
  const log = await appendMany(3);
  const healthy = recorder('healthy');
  const broken = recorder('broken', { failing: () => true });
  await expect(stepSubscriptionGroup(
    { pool, store, batchSizeMax: 10 }, [healthy.subscriber, broken.subscriber],
  )).rejects.toThrow('broken fails');
  expect(await readCheckpoint(pool, 'healthy')).toBeNull();
  expect(await readCheckpoint(pool, 'broken')).toBeNull();
  expect(log).toHaveLength(3);
});

test('the group runner hands every event once and goes on when one member keeps failing',
  async () => {
    const log = await appendMany(7);
    const first = recorder('first');
    const second = recorder('second');
    const broken = recorder('broken', { failing: () => true });
    const run = startSubscriptionGroup(
      { pool, store, logger: createLogger({ level: 'silent' }), batchSizeMax: 3, pollMs: 50 },
      'group',
      [first.subscriber, broken.subscriber, second.subscriber],
    );
    try {
      const last = await lastWrittenPosition(pool);
      await waitUntil(async () => {
        const at = await readCheckpoint(pool, 'second');
        return at !== null && comparePositions(at, last) >= 0;
      });
      await waitUntil(() => first.handed.length === log.length);
    } finally {
      await run.stop();
    }
    expect(idsOf(first.handed)).toEqual(idsOf(log));
    expect(idsOf(second.handed)).toEqual(idsOf(log));
    expect(await readCheckpoint(pool, 'broken')).toBeNull();
  });
