// Goal: the Postgres adapter passes the shared contract (with and without group commit), and
// proves what only a real database can: a reader never skips a transaction that commits
// late, events cannot be updated, deleted or truncated by anyone, and the codec never
// reaches verification.
import { createTestPool } from '../../testing/test-pool';
import { Client } from 'pg';
import {
  createFreshDatabase,
  withClient,
  type FreshDatabase,
} from '../../testing/fresh-database';
import {
  eventStoreContract, readAtLeast, readEverything, type StartedEventStore,
} from '../../testing/contracts/event-store.contract';
import { aStreamId, anEvent, someEvents } from '../../testing/event-builders';
import {
  START_POSITION, comparePositions, type EventCodec, type Position, type RecordedEvent,
} from '../../ports/event-store.port';
import { PostgresEventStore } from './postgres.event-store';
import { insertRawEvent } from '../../testing/raw-events';

const WAIT_MS_MAX = 10_000;

// Both ways of appending keep the whole contract: shared transactions (the default) and
// one transaction per append.
eventStoreContract('postgres', (options) => startPostgresStore(true, options?.codec));
eventStoreContract('postgres, group commit off',
  (options) => startPostgresStore(false, options?.codec));

async function startPostgresStore(
  groupCommit: boolean,
  codec: EventCodec | undefined,
): Promise<StartedEventStore> {
  const db = await createFreshDatabase();
  const store = new PostgresEventStore({ connection: { url: db.url }, groupCommit, codec });
  return {
    store,
    stop: async () => {
      await store.close();
      await db.drop();
    },
    tamper: (streamId, streamVersion) => tamper(db.url, streamId, streamVersion),
  };
}

// Only the owner can switch the trigger off, and only inside this transaction.
async function tamper(url: string, streamId: string, streamVersion: bigint): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('begin');
    await client.query('alter table events disable trigger events_append_only');
    await client.query(
      `update events set data = data || '{"amountMinor": "1000000"}'
        where stream_id = $1 and stream_version = $2`,
      [streamId, streamVersion.toString()],
    );
    await client.query('alter table events enable always trigger events_append_only');
    await client.query('commit');
  });
}


describe('postgres event store', () => {
  let db: FreshDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createFreshDatabase();
    store = new PostgresEventStore({ connection: { url: db.url } });
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });

  test('a transaction that commits late is read, once and in order, never skipped', async () => {
    const early = await appendTo(store, aStreamId('early'));
    await waitUntil(async () => (await readEverything(store)).length === 1);
    const seen: RecordedEvent[] = [];
    const stopSubscriber = new AbortController();
    // A reader as subscribers read (shared/subscriptions): batches after the last position.
    const subscriber = (async () => {
      let after = START_POSITION;
      while (!stopSubscriber.signal.aborted) {
        const events = await store.readAll({ after, limit: 2 });
        seen.push(...events);
        after = events.at(-1)?.position ?? after;
        if (events.length === 0) await store.waitForAppend(50);
      }
    })();

    const held = new Client({ connectionString: db.url });
    await held.connect();
    try {
      // The held transaction takes its id first, then later appends commit around it.
      await held.query('begin');
      await held.query('select pg_current_xact_id()');
      const later = aStreamId('later');
      for (let index = 0; index < 5; index += 1) await appendTo(store, later);
      const lateEvent = await insertRawEvent(held, aStreamId('late'));
      for (let look = 0; look < 3; look += 1) {
        const visible = await readEverything(store);
        expect(visible.map((event) => event.eventId)).toEqual([early]);
        expect(await store.headPosition()).toEqual(visible[0]!.position);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen.map((event) => event.eventId)).toEqual([early]);
      await held.query('commit');

      await waitUntil(async () => seen.length === 7);
      const ids = seen.map((event) => event.eventId);
      expect(new Set(ids).size).toBe(7);
      expect(ids[1]).toBe(lateEvent);
      seen.slice(1).forEach((event, index) =>
        expect(comparePositions(seen[index]!.position, event.position)).toBeLessThan(0));
      // The late event took the highest global position but the lowest transaction id.
      const late = seen[1]!.position;
      const globalPositions = seen.map((event) => event.position.globalPosition);
      expect(globalPositions.every((position) => position <= late.globalPosition)).toBe(true);
      expect(await readEverything(store)).toEqual(seen);
      expect(await store.verifyStreams()).toMatchObject({ ok: true, streams: 3, events: 7 });
    } finally {
      await held.end();
      stopSubscriber.abort();
      await subscriber;
    }
  });

  test('nobody, not even the owner or a replica session, may change events', async () => {
    const streamId = aStreamId();
    await appendTo(store, streamId);
    await withClient(db.url, async (client) => {
      const forge = client.query("update events set type = 'Forged'");
      await expect(forge).rejects.toThrow(/append-only/);
      await expect(client.query('delete from events')).rejects.toThrow(/append-only/);
      await expect(client.query('truncate events')).rejects.toThrow(/append-only/);
      await client.query('set session_replication_role = replica');
      await expect(client.query('delete from events')).rejects.toThrow(/append-only/);
      await client.query('set session_replication_role = origin');
      // The application's role lacks the privileges in the first place.
      await client.query('set role tng_app');
      await expect(client.query('delete from events')).rejects.toThrow(/permission denied/);
      await client.query('reset role');
    });
    expect(await store.streamVersion(streamId)).toBe(1n);
    expect(await store.verifyStreams()).toMatchObject({ ok: true, events: 1 });
  });

  test('a codec upcasts on read, while verification checks the stored payload', async () => {
    const codec: EventCodec = {
      decode: (_type, schemaVersion, data) => ({
        schemaVersion: schemaVersion + 1, data: { ...(data as object), upcast: true },
      }),
    };
    const decoding = new PostgresEventStore({ connection: { url: db.url }, codec });
    try {
      const streamId = aStreamId();
      await appendTo(decoding, streamId);
      const [event] = await decoding.readStream(streamId, { fromVersion: 1n, limit: 1 });
      expect(event).toMatchObject({ schemaVersion: 2, data: { upcast: true } });
      const [fromLog] = await readAtLeast(decoding, 1);
      expect(fromLog).toMatchObject({ schemaVersion: 2, data: { upcast: true } });
      expect(await decoding.verifyStreams()).toMatchObject({ ok: true, events: 1 });
    } finally {
      await decoding.close();
    }
  });

  test("works on a caller's pool and leaves it open, with bigints parsed per query", async () => {
    const pool = createTestPool({ connectionString: db.url, max: 2 });
    const onPool = new PostgresEventStore({ connection: { pool } });
    try {
      const streamId = aStreamId();
      const result = await appendTo(onPool, streamId);
      expect(await onPool.streamVersion(streamId)).toBe(1n);
      const position: Position = await onPool.headPosition();
      expect(typeof position.transactionId).toBe('bigint');
      expect(result).toBeDefined();
      await onPool.close();
      const rows = await pool.query('select stream_version from events');
      expect(rows.rows).toEqual([{ stream_version: '1' }]); // The pool's own parsing is untouched.
    } finally {
      await pool.end();
    }
  });

  test.each(['in-transaction', 'after-commit'] as const)(
    "an append wakes another process's waiter (notify '%s')",
    async (notify) => {
      const writer = new PostgresEventStore({ connection: { url: db.url }, notify });
      try {
        await listening(store);
        const woken = store.waitForAppend(WAIT_MS_MAX);
        const appendedMs = Date.now();
        await appendTo(writer, aStreamId());
        await woken;
        expect(Date.now() - appendedMs).toBeLessThan(WAIT_MS_MAX / 2);
      } finally {
        await writer.close();
      }
    },
  );

  test("with notify 'off', another process's waiter sleeps out its timeout", async () => {
    const writer = new PostgresEventStore({ connection: { url: db.url }, notify: 'off' });
    try {
      await listening(store);
      const startedMs = Date.now();
      const woken = store.waitForAppend(300);
      await appendTo(writer, aStreamId());
      await woken;
      expect(Date.now() - startedMs).toBeGreaterThanOrEqual(290);
    } finally {
      await writer.close();
    }
  });

  test('a stream head that disagrees with its events fails verification', async () => {
    const streamId = aStreamId();
    await store.append({ streams: [{ streamId, expectedVersion: 'any', events: someEvents(2) }] });
    await withClient(db.url, (client) =>
      client.query('update streams set version = 3 where stream_id = $1', [streamId]));
    expect(await store.verifyStreams()).toMatchObject({ ok: false, streamId, streamVersion: 2n });
  });
});

async function appendTo(store: PostgresEventStore, streamId: string): Promise<string> {
  const event = anEvent();
  await store.append({ streams: [{ streamId, expectedVersion: 'any', events: [event] }] });
  return event.eventId;
}


// The first wait opens the listener and returns once LISTEN is in place (a wake-up that
// makes readers look again); the second drops the wake-up that may be left pending.
async function listening(store: PostgresEventStore): Promise<void> {
  await store.waitForAppend(WAIT_MS_MAX);
  await store.waitForAppend(0);
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
