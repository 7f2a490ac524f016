// Goal: group commit keeps every promise of EventStore.append while concurrent appends share
// one transaction. Appends submitted in one tick land in one batch (so they share a
// transaction id, which is how these tests see a batch): there, later requests see earlier
// ones in order, a rejected request leaves the others alone, and the hashes computed in SQL
// are the ones event-hash.ts computes. A batch that fails as a whole (a malformed request, a
// race or a deadlock with another process) is retried request by request.
import {
  createFreshDatabase,
  withClient,
  type FreshDatabase,
} from '../../testing/fresh-database';
import { aStreamId, anEvent, someEvents } from '../../testing/event-builders';
import {
  DuplicateEvent, IdempotencyKeyTaken, UniqueClaimTaken, VersionConflict,
  type AppendRequest, type AppendResult, type ExpectedVersion, type NewEvent, type StreamId,
} from '../../ports/event-store.port';
import { GENESIS_HASH, hashEvent } from './event-hash';
import { PostgresEventStore } from './postgres.event-store';
import { insertRawEvent } from '../../testing/raw-events';

// Held transactions stay short: readAll's horizon is the oldest transaction in the whole
// cluster, so while one is open, other test files running beside this one read nothing new.
const LOCK_WAIT_MS_MAX = 15_000;
/** Our batch's deadlock check runs after the cycle has formed, long before the other's. */
const DEADLOCK_TIMEOUT_MS = 250;

describe('postgres event store: group commit', () => {
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

  const append = (streamId: StreamId, expectedVersion: ExpectedVersion, events = someEvents(1)) =>
    store.append({ streams: [{ streamId, expectedVersion, events }] });

  const transactionOf = (result: AppendResult): bigint | undefined =>
    result.position?.transactionId;

  test('appends to one stream in one batch see each other, in order', async () => {
    const streamId = aStreamId('wallet');
    await append(streamId, 'no-stream');
    const [fresh, stale, next, any, noStream] = await Promise.allSettled([
      append(streamId, 1n),
      append(streamId, 1n), // the first one took version 2
      append(streamId, 2n), // written after the first one, so 2 is current
      append(streamId, 'any'),
      append(streamId, 'no-stream'),
    ]);
    const written = [fresh, next, any].map((outcome) => {
      expect(outcome.status).toBe('fulfilled');
      return (outcome as PromiseFulfilledResult<AppendResult>).value;
    });
    expect(written.map((result) => result.nextVersions.get(streamId))).toEqual([2n, 3n, 4n]);
    expect(new Set(written.map(transactionOf)).size).toBe(1);
    expect(stale).toMatchObject({ status: 'rejected', reason: { expected: 1n, actual: 2n } });
    expect((stale as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflict);
    expect(noStream).toMatchObject({ status: 'rejected', reason: { actual: 4n } });
    const events = await store.readStream(streamId, { fromVersion: 1n, limit: 10 });
    expect(events.map((event) => event.streamVersion)).toEqual([1n, 2n, 3n, 4n]);
    expect(await store.verifyStreams()).toMatchObject({ ok: true, events: 4 });
  });

  test('a stale transfer in a batch leaves the others of the batch alone', async () => {
    const target = aStreamId('wallet-target');
    const sources = Array.from({ length: 10 }, () => aStreamId('wallet-source'));
    await Promise.all(sources.map((source) => append(source, 'no-stream')));
    const transfer = (source: StreamId, expectedVersion: ExpectedVersion) => store.append({
      streams: [
        { streamId: source, expectedVersion, events: [anEvent({ type: 'WalletDebited' })] },
        { streamId: target, expectedVersion: 'any', events: [anEvent({ type: 'WalletCredited' })] },
      ],
    });
    const outcomes = await Promise.allSettled(
      sources.map((source, index) => transfer(source, index === 4 ? 0n : 1n)),
    );
    const written = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(written).toHaveLength(9);
    expect(new Set(written.map(transactionOf)).size).toBe(1);
    expect(outcomes[4]).toMatchObject({
      status: 'rejected', reason: { name: 'VersionConflict', streamId: sources[4], actual: 1n },
    });
    expect(await store.streamVersion(sources[4]!)).toBe(1n);
    const credits = written.map((result) => result.nextVersions.get(target));
    expect(new Set(credits)).toEqual(new Set([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]));
    expect(await store.verifyStreams()).toMatchObject({ ok: true, streams: 11, events: 28 });
  });

  test('in one batch: a retry meets its key, or is a no-op without one; reused ids, keys and '
    + 'claims are refused', async () => {
    const [first, mixed, reusedKey, taken, ownClaim] = [1, 2, 3, 4, 5].map(() => aStreamId());
    const stored = anEvent();
    const email = `${aStreamId('someone')}@example.com`;
    const claim = (ownerId: string) => [{ scope: 'user-email', value: email, ownerId }];
    const record = { scope: 'user-1', key: aStreamId('key'), requestHash: 'h1',
      responseStatus: 201, responseBody: '{"ok":true}' };
    const original: AppendRequest = {
      streams: [{ streamId: first!, expectedVersion: 'no-stream', events: [stored] }],
      idempotency: record, uniqueClaims: claim('u-1'),
    };
    const single = (streamId: StreamId, events: NewEvent[] = [anEvent()]) =>
      ({ streams: [{ streamId, expectedVersion: 'any' as const, events }] });
    const outcomes = await Promise.allSettled([
      store.append(original),
      store.append(original), // the same request again, as a client's retry sends it
      store.append({ streams: original.streams }), // the same events, as a saga's retry
      store.append(single(mixed!, [anEvent(), stored])),
      store.append({ ...single(reusedKey!), idempotency: { ...record, requestHash: 'h2' } }),
      store.append({ ...single(taken!), uniqueClaims: claim('u-2') }),
      store.append({ ...single(ownClaim!), uniqueClaims: claim('u-1') }),
    ]);
    const [written, retried, retriedWithoutKey, duplicate, keyTaken, claimTaken, claimedAgain] =
      outcomes;
    expect(written).toMatchObject({ status: 'fulfilled' });
    // A taken key decides first (EventStore.append): the caller replays the stored response.
    expect((retried as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyTaken);
    expect(retriedWithoutKey).toMatchObject({ status: 'fulfilled', value: { position: null } });
    expect((retriedWithoutKey as PromiseFulfilledResult<AppendResult>).value.nextVersions)
      .toEqual(new Map([[first, 1n]]));
    expect((duplicate as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEvent);
    expect(duplicate).toMatchObject({ reason: { eventId: stored.eventId } });
    expect((keyTaken as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyKeyTaken);
    expect((claimTaken as PromiseRejectedResult).reason).toBeInstanceOf(UniqueClaimTaken);
    expect(claimTaken).toMatchObject({ reason: { scope: 'user-email', value: email } });
    expect(claimedAgain).toMatchObject({ status: 'fulfilled' });
    expect(await store.findIdempotency(record.scope, record.key)).toEqual(record);
    expect(await store.findUniqueClaim('user-email', email)).toBe('u-1');
    for (const refused of [mixed, reusedKey, taken]) {
      expect(await store.streamVersion(refused!)).toBe(0n);
    }
    expect(await store.verifyStreams()).toMatchObject({ ok: true, streams: 2, events: 2 });
  });

  test('credentials share the batch: for one user, the later append of the batch wins',
    async () => {
      const userId = aStreamId('user');
      const change = (passwordHash: string) => store.append({
        streams: [{ streamId: userId, expectedVersion: 'any', events: someEvents(1) }],
        credentials: [{ userId, passwordHash }],
      });
      await Promise.all([change('hash-1'), change('hash-2'), change('hash-3')]);
      expect(await store.findPasswordHash(userId)).toBe('hash-3');
      expect(await store.streamVersion(userId)).toBe(3n);
    });

  test('hashes computed in SQL are the ones event-hash.ts computes', async () => {
    const streams = [aStreamId('wallet-\u00fc-\ud83d\ude00'), aStreamId('wallet "quoted" \\')];
    const tricky = (index: number): NewEvent => anEvent({
      type: index % 2 === 0 ? 'Caf\u00e9Opened' : 'Line\u2028Separated',
      schemaVersion: 1 + index,
      data: {
        text: 'quote " backslash \\ newline \n tab \t \u20ac \ud83d\ude00 \u4e2d\u6587',
        '\u20ac': 1, '\u00e9': [true, false, null], z: { nested: { deeper: [1.5, -0, 0.1] } },
        big: 1e21, small: 5e-7, negative: -42, empty: {}, list: [],
        amountMinor: String(index),
      },
      metadata: { occurredAt: '2025-01-01T00:00:00.000Z', actorId: `actor-\u00e9-${index}` },
    });
    const written = Array.from({ length: 12 }, (_, index) => tricky(index));
    await Promise.all(written.map((event, index) => append(streams[index % 2]!, 'any', [event])));
    for (const streamId of streams) {
      const events = await store.readStream(streamId, { fromVersion: 1n, limit: 100 });
      expect(events).toHaveLength(6);
      let previous = GENESIS_HASH;
      for (const event of events) {
        const original = written.find((candidate) => candidate.eventId === event.eventId)!;
        const { streamVersion } = event;
        const expected = hashEvent(previous, { ...original, streamId, streamVersion });
        expect(event.hash).toBe(expected);
        expect(hashEvent(previous, event)).toBe(expected); // and from the stored form
        previous = event.hash;
      }
    }
    expect(await store.verifyStreams()).toEqual({ ok: true, streams: 2, events: 12 });
  });

  test('a batch failing on one malformed request retries alone: only that one fails', async () => {
    const [good, bad, other] = [1, 2, 3].map(() => aStreamId());
    // Postgres's jsonb cannot hold \u0000, so this request fails its whole batch.
    const poisoned = anEvent({ data: { note: 'nul \u0000 inside' } });
    const outcomes = await Promise.allSettled([
      append(good!, 'no-stream'), append(bad!, 'no-stream', [poisoned]), append(other!, 'any'),
    ]);
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: '22P05' } });
    const written = [outcomes[0], outcomes[2]].map((outcome) => {
      expect(outcome?.status).toBe('fulfilled');
      return (outcome as PromiseFulfilledResult<AppendResult>).value;
    });
    // Written alone, after the batch rolled back: one transaction each.
    expect(new Set(written.map(transactionOf)).size).toBe(2);
    expect(await store.streamVersion(bad!)).toBe(0n);
    expect(await store.verifyStreams()).toMatchObject({ ok: true, streams: 2, events: 2 });
  });

  test('a stream created by another process behind the batch: each request is answered',
    async () => {
      const raced = aStreamId();
      const other = aStreamId();
      await withClient(db.url, async (held) => {
        await held.query('begin');
        await insertRawEvent(held, raced);
        const racing = append(raced, 'no-stream');
        const bystander = append(other, 'any');
        // The batch cannot see the uncommitted stream, decides to create it and waits on the
        // held insert; the commit turns that wait into a unique violation for the batch.
        await untilABackendWaitsForALock(db.url);
        await held.query('commit');
        await expect(racing).rejects.toMatchObject({ name: 'VersionConflict', actual: 1n });
        await expect(bystander).resolves.toMatchObject({ nextVersions: new Map([[other, 1n]]) });
      });
      expect(await store.verifyStreams()).toMatchObject({ ok: true, streams: 2, events: 2 });
    });

  test('a deadlock with another process fails the batch; its requests are retried alone',
    async () => {
      const prefix = aStreamId('wallet');
      const [first, second, bystander] = [`${prefix}-a`, `${prefix}-b`, aStreamId()];
      await append(first, 'no-stream');
      await append(second, 'no-stream');
      await store.close();
      const url = new URL(db.url);
      url.searchParams.set('options', `-c deadlock_timeout=${DEADLOCK_TIMEOUT_MS}`);
      store = new PostgresEventStore({ connection: { url: url.toString() } });
      await withClient(db.url, async (held) => {
        await held.query('begin');
        await held.query('select 1 from streams where stream_id = $1 for update', [second]);
        const transfer = store.append({ streams: [
          { streamId: first, expectedVersion: 1n, events: someEvents(1) },
          { streamId: second, expectedVersion: 'any', events: someEvents(1) },
        ] });
        const unrelated = append(bystander, 'any');
        // The batch holds `first` and waits for `second`; taking `first` here closes the
        // cycle. The batch's backend checks first (its deadlock_timeout is the shorter one),
        // finds the cycle and yields.
        await untilABackendWaitsForALock(db.url);
        await held.query('select 1 from streams where stream_id = $1 for update', [first]);
        await held.query('commit');
        const results = await Promise.all([transfer, unrelated]);
        expect(results[0].nextVersions).toEqual(new Map([[first, 2n], [second, 2n]]));
        expect(new Set(results.map(transactionOf)).size).toBe(2);
      });
      expect(await store.verifyStreams()).toMatchObject({ ok: true, streams: 3, events: 5 });
    });

  test('close waits for queued appends, which all commit', async () => {
    const streamId = aStreamId();
    const appends = Array.from({ length: 30 }, () => append(streamId, 'any'));
    await store.close();
    const results = await Promise.all(appends);
    expect(results.every((result) => result.position !== null)).toBe(true);
    const reopened = new PostgresEventStore({ connection: { url: db.url } });
    try {
      expect(await reopened.streamVersion(streamId)).toBe(30n);
    } finally {
      await reopened.close();
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the batch is really blocked on the held transaction's lock. A fixed sleep is not
 * enough on a loaded machine: the batch may not have started yet, and then no race happens.
 * Polled from its own connection, since a transaction keeps one snapshot of pg_stat_activity.
 */
async function untilABackendWaitsForALock(url: string): Promise<void> {
  await withClient(url, async (observer) => {
    const deadline = Date.now() + LOCK_WAIT_MS_MAX;
    for (;;) {
      const { rows } = await observer.query<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (rows[0]!.waiting > 0) return;
      if (Date.now() > deadline) throw new Error('no backend ever waited for the held lock');
      await sleep(10);
    }
  });
}


