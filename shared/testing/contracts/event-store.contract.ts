// The EventStore contract (docs/style.md, "Contract suites"): one suite that every adapter runs,
// none skipped. It proves the port's promises: per-stream optimistic concurrency, idempotent event
// ids, all-or-nothing multi-stream appends with their idempotency record, unique claims and
// credentials, one order of precedence among the ways an append fails or does nothing
// (event-store.precedence.contract.ts), decisions appended under stream locks
// (event-store.locks.contract.ts), appends chained after others in flight
// (event-store.chains.contract.ts), paged reads in stream and global order that upcast
// through a codec, and hash chains that name the first tampered event. Each test starts a
// store of its own, so a tampered store never leaks into another.
import {
  DuplicateEvent, IdempotencyKeyTaken, START_POSITION, UniqueClaimTaken, VersionConflict,
  comparePositions,
  type EventCodec, type EventStore, type ExpectedVersion, type IdempotencyRecord,
  type RecordedEvent, type StreamId,
} from '../../ports/event-store.port';
import { HISTORIC_EVENT_FIXTURES } from '../../domain/__fixtures__/historic-events';
import { domainEventCodec } from '../../domain/event-codec';
import { aStreamId, anEvent, someEvents } from '../event-builders';
import {
  PRECEDENCE_CASES, expectDecision, probe, takeEverything,
} from './event-store.precedence.contract';
import { streamLocksContract } from './event-store.locks.contract';
import { chainedAppendsContract } from './event-store.chains.contract';

export type StartedEventStore = {
  store: EventStore;
  stop(): Promise<void>;
  /** Changes one stored event's data and leaves its hash, as an attacker would. */
  tamper(streamId: StreamId, streamVersion: bigint): Promise<void>;
};
/** Starts a store of its own; with a codec, it upcasts what it reads. */
export type StartEventStore = (options?: { codec?: EventCodec }) => Promise<StartedEventStore>;

const PAGE_SIZE = 3;
const READ_PAGES_MAX = 1_000;
const RETRIES_MAX = 100;

export function eventStoreContract(adapterName: string, start: StartEventStore): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let subject: StartedEventStore;
    let store: EventStore;
    beforeEach(async () => {
      subject = await start();
      store = subject.store;
    });
    afterEach(() => subject.stop());

    const appendOne = (streamId: StreamId, expectedVersion: ExpectedVersion, count = 1) =>
      store.append({ streams: [{ streamId, expectedVersion, events: someEvents(count) }] });

    describe('optimistic concurrency', () => {
      test('an append whose exact expected version is stale is rejected', async () => {
        const streamId = aStreamId();
        await appendOne(streamId, 'no-stream', 2);
        await appendOne(streamId, 2n);
        const stale = appendOne(streamId, 2n);
        await expect(stale).rejects.toBeInstanceOf(VersionConflict);
        await expect(stale).rejects.toMatchObject({ streamId, expected: 2n, actual: 3n });
        expect(await store.streamVersion(streamId)).toBe(3n);
      });

      test("'no-stream' on an existing stream is rejected", async () => {
        const streamId = aStreamId();
        await appendOne(streamId, 'no-stream');
        await expect(appendOne(streamId, 'no-stream'))
          .rejects.toMatchObject({ name: 'VersionConflict', expected: 'no-stream', actual: 1n });
      });

      test('an exact version on a fresh stream is rejected; 0 is accepted', async () => {
        const streamId = aStreamId();
        await expect(appendOne(streamId, 1n))
          .rejects.toMatchObject({ name: 'VersionConflict', streamId, actual: 0n });
        expect(await store.streamVersion(streamId)).toBe(0n);
        expect(await store.readStream(streamId, { fromVersion: 1n, limit: 10 })).toEqual([]);
        const result = await appendOne(streamId, 0n);
        expect(result.nextVersions.get(streamId)).toBe(1n);
      });

      test("'any' appends without a check and versions continue from 1", async () => {
        const streamId = aStreamId();
        const first = await appendOne(streamId, 'any', 2);
        const second = await appendOne(streamId, 'any', 3);
        expect(first.nextVersions.get(streamId)).toBe(2n);
        expect(second.nextVersions.get(streamId)).toBe(5n);
        const events = await store.readStream(streamId, { fromVersion: 1n, limit: 10 });
        expect(events.map((event) => event.streamVersion)).toEqual([1n, 2n, 3n, 4n, 5n]);
      });

      test('of 20 appends from one shared read, exactly one wins', async () => {
        const streamId = aStreamId();
        await appendOne(streamId, 'no-stream');
        const shared = await store.streamVersion(streamId);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => appendOne(streamId, shared)),
        );
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        lost.forEach((reason) => expect(reason).toBeInstanceOf(VersionConflict));
        expect(await store.streamVersion(streamId)).toBe(2n);
      });

      test('20 writers retrying on conflict: each version won exactly once', async () => {
        const streamId = aStreamId();
        const writeOnce = async (): Promise<bigint> => {
          for (let attempt = 1; attempt <= RETRIES_MAX; attempt += 1) {
            const expected = await store.streamVersion(streamId);
            try {
              const result = await appendOne(streamId, expected === 0n ? 'no-stream' : expected);
              return result.nextVersions.get(streamId) ?? -1n;
            } catch (error) {
              if (!(error instanceof VersionConflict)) throw error;
            }
          }
          throw new Error('no attempt won');
        };
        const wonVersions = await Promise.all(Array.from({ length: 20 }, writeOnce));
        const sorted = [...wonVersions].sort((a, b) => (a < b ? -1 : 1));
        expect(sorted).toEqual(Array.from({ length: 20 }, (_, index) => BigInt(index + 1)));
        await expectContiguous(streamId, 20);
      });

      test("50 concurrent 'any' appends all succeed with contiguous versions", async () => {
        const streamId = aStreamId();
        const results = await Promise.all(
          Array.from({ length: 50 }, () => appendOne(streamId, 'any')),
        );
        const versions = new Set(results.map((result) => result.nextVersions.get(streamId)));
        expect(versions.size).toBe(50);
        await expectContiguous(streamId, 50);
      });
    });

    describe('idempotent event ids', () => {
      test('the same event appended twice is stored once; the retry writes nothing', async () => {
        const streamId = aStreamId();
        const stream = { streamId, expectedVersion: 'no-stream' as const, events: someEvents(2) };
        const request = { streams: [stream] };
        const first = await store.append(request);
        expect(first.position).not.toBeNull();
        // The retry's expected version is stale now; a stored append still succeeds.
        const retry = await store.append(request);
        expect(retry.position).toBeNull();
        expect(retry.nextVersions.get(streamId)).toBe(2n);
        const anyRetry = await store.append({ streams: [{ ...stream, expectedVersion: 'any' }] });
        expect(anyRetry.position).toBeNull();
        await expectContiguous(streamId, 2);
      });

      test('a mix of stored and new event ids is refused and writes nothing', async () => {
        const streamId = aStreamId();
        const stored = anEvent();
        await store.append({ streams: [{ streamId, expectedVersion: 'any', events: [stored] }] });
        const mixed = store.append({
          streams: [{ streamId, expectedVersion: 'any', events: [anEvent(), stored] }],
        });
        await expect(mixed).rejects.toBeInstanceOf(DuplicateEvent);
        await expect(mixed).rejects.toMatchObject({ eventId: stored.eventId });
        await expectContiguous(streamId, 1);
      });
    });

    describe('atomic multi-stream appends', () => {
      test('a transfer writes both streams in one transaction', async () => {
        const source = aStreamId('wallet');
        const target = aStreamId('wallet');
        await appendOne(source, 'no-stream');
        const debited = anEvent({ type: 'WalletDebited' });
        const credited = anEvent({ type: 'WalletCredited' });
        const result = await store.append({
          streams: [
            { streamId: source, expectedVersion: 1n, events: [debited] },
            { streamId: target, expectedVersion: 'any', events: [credited] },
          ],
        });
        expect(result.nextVersions).toEqual(new Map([[source, 2n], [target, 1n]]));
        const [debit] = await store.readStream(source, { fromVersion: 2n, limit: 1 });
        const [credit] = await store.readStream(target, { fromVersion: 1n, limit: 1 });
        expect(debit?.position.transactionId).toBe(credit?.position.transactionId);
        expect(result.position).toEqual(credit?.position);
      });

      test('one stale stream stores nothing on either stream', async () => {
        const source = aStreamId('wallet');
        const target = aStreamId('wallet');
        await appendOne(source, 'no-stream', 2);
        const transfer = store.append({
          streams: [
            { streamId: target, expectedVersion: 'any', events: someEvents(1) },
            { streamId: source, expectedVersion: 1n, events: someEvents(1) },
          ],
        });
        await expect(transfer).rejects.toMatchObject({ name: 'VersionConflict', streamId: source });
        expect(await store.streamVersion(source)).toBe(2n);
        expect(await store.streamVersion(target)).toBe(0n);
        expect(await store.readStream(target, { fromVersion: 1n, limit: 10 })).toEqual([]);
      });
    });

    describe('idempotency records and unique claims', () => {
      const record = (key: string): IdempotencyRecord => ({
        scope: 'user-1', key, requestHash: 'sha256:abc', responseStatus: 201,
        responseBody: '{"transferId":"t-1","amountMinor":"100"}',
      });

      test('a record is stored with its events; another for its key writes nothing', async () => {
        const streamId = aStreamId();
        const key = aStreamId('key');
        expect(await store.findIdempotency('user-1', key)).toBeNull();
        await store.append({
          streams: [{ streamId, expectedVersion: 'any', events: someEvents(1) }],
          idempotency: record(key),
        });
        expect(await store.findIdempotency('user-1', key)).toEqual(record(key));
        expect(await store.findIdempotency('user-2', key)).toBeNull();
        const again = store.append({
          streams: [{ streamId, expectedVersion: 'any', events: someEvents(1) }],
          idempotency: { ...record(key), responseStatus: 200 },
        });
        await expect(again).rejects.toBeInstanceOf(IdempotencyKeyTaken);
        await expect(again).rejects.toMatchObject({ scope: 'user-1', key });
        expect(await store.streamVersion(streamId)).toBe(1n);
        expect(await store.findIdempotency('user-1', key)).toEqual(record(key));
      });

      test('a claim owned by another is refused and writes nothing; its owner may', async () => {
        const email = `${aStreamId('someone')}@example.com`;
        const claim = (ownerId: string) => [{ scope: 'user-email', value: email, ownerId }];
        const first = aStreamId('user');
        await store.append({
          streams: [{ streamId: first, expectedVersion: 'no-stream', events: someEvents(1) }],
          uniqueClaims: claim(first),
        });
        const second = aStreamId('user');
        const taken = store.append({
          streams: [{ streamId: second, expectedVersion: 'no-stream', events: someEvents(1) }],
          uniqueClaims: claim(second),
        });
        await expect(taken).rejects.toBeInstanceOf(UniqueClaimTaken);
        await expect(taken).rejects.toMatchObject({ scope: 'user-email', value: email });
        expect(await store.streamVersion(second)).toBe(0n);
        expect(await store.findUniqueClaim('user-email', email)).toBe(first);
        expect(await store.findUniqueClaim('user-email', `x${email}`)).toBeNull();
        const byOwner = await store.append({
          streams: [{ streamId: first, expectedVersion: 1n, events: someEvents(1) }],
          uniqueClaims: claim(first),
        });
        expect(byOwner.nextVersions.get(first)).toBe(2n);
      });

      test('credentials are written with the events, never into them, and replaced', async () => {
        const email = `${aStreamId('someone')}@example.com`;
        const register = (userId: string, passwordHash: string) => store.append({
          streams: [{ streamId: userId, expectedVersion: 'no-stream', events: someEvents(1) }],
          uniqueClaims: [{ scope: 'user-email', value: email, ownerId: userId }],
          credentials: [{ userId, passwordHash }],
        });
        const first = aStreamId('user');
        await register(first, 'hash-first');
        expect(await store.findPasswordHash(first)).toBe('hash-first');
        const [event] = await store.readStream(first, { fromVersion: 1n, limit: 1 });
        expect(JSON.stringify([event?.data, event?.metadata])).not.toContain('hash-first');
        // Refused (the e-mail is taken): the credential is not written either.
        const second = aStreamId('user');
        await expect(register(second, 'hash-second')).rejects.toBeInstanceOf(UniqueClaimTaken);
        expect(await store.findPasswordHash(second)).toBeNull();
        await store.append({
          streams: [{ streamId: first, expectedVersion: 1n, events: someEvents(1) }],
          credentials: [{ userId: first, passwordHash: 'hash-changed' }],
        });
        expect(await store.findPasswordHash(first)).toBe('hash-changed');
        // A stale append changes no credential.
        const stale = store.append({
          streams: [{ streamId: first, expectedVersion: 1n, events: someEvents(1) }],
          credentials: [{ userId: first, passwordHash: 'hash-stale' }],
        });
        await expect(stale).rejects.toBeInstanceOf(VersionConflict);
        expect(await store.findPasswordHash(first)).toBe('hash-changed');
      });
    });

    streamLocksContract(() => store);
    chainedAppendsContract(() => store);

    describe('precedence: the first of key, stored events, version, duplicates, claims', () => {
      test.each(PRECEDENCE_CASES)('%s', async (_name, conditions, decision) => {
        const taken = await takeEverything(store);
        await expectDecision(store, taken, conditions, decision);
      });

      test('twins appended together: the first writes, the other meets its key', async () => {
        const taken = await takeEverything(store);
        // A fresh key both share, and the second also claims the first's e-mail.
        const { request: first } = probe(taken, {});
        const { request: twin } = probe(taken, { claimTaken: true });
        const sharedKey = { ...twin, idempotency: first.idempotency };
        const onItsOwnStream = {
          ...sharedKey,
          streams: [{ streamId: aStreamId('user'), expectedVersion: 'no-stream' as const,
            events: [anEvent()] }],
        };
        const [won, lost] = await Promise.allSettled([
          store.append(first), store.append(onItsOwnStream),
        ]);
        expect(won.status).toBe('fulfilled');
        expect(lost).toMatchObject({ status: 'rejected', reason: { name: 'IdempotencyKeyTaken' } });
      });
    });

    describe('a codec', () => {
      test('readStream and readAll return every historic event upcast; verify reads it stored',
        async () => {
          const upcasting = await start({ codec: domainEventCodec });
          try {
            const written = HISTORIC_EVENT_FIXTURES.map((fixture) => ({
              streamId: aStreamId('historic'),
              event: anEvent({
                type: fixture.type, schemaVersion: fixture.schemaVersion,
                data: fixture.data as Record<string, unknown>,
              }),
              latest: domainEventCodec.decode(fixture.type, fixture.schemaVersion, fixture.data),
            }));
            for (const { streamId, event } of written) {
              await upcasting.store.append({
                streams: [{ streamId, expectedVersion: 'no-stream', events: [event] }],
              });
            }
            const fromLog = await readAtLeast(upcasting.store, written.length);
            for (const [index, { streamId, event, latest }] of written.entries()) {
              expect(latest.schemaVersion).toBeGreaterThan(event.schemaVersion);
              const upcast = { eventId: event.eventId, ...latest };
              const [fromStream] =
                await upcasting.store.readStream(streamId, { fromVersion: 1n, limit: 1 });
              expect(fromStream).toMatchObject(upcast);
              expect(fromLog[index]).toMatchObject(upcast);
            }
            const verdict = await upcasting.store.verifyStreams();
            expect(verdict).toEqual({ ok: true, streams: written.length, events: written.length });
          } finally {
            await upcasting.stop();
          }
        });
    });

    describe('reads', () => {
      test('readStream pages by fromVersion and limit', async () => {
        const streamId = aStreamId();
        const events = someEvents(7);
        await store.append({ streams: [{ streamId, expectedVersion: 'no-stream', events }] });
        const page = await store.readStream(streamId, { fromVersion: 3n, limit: 2 });
        expect(page.map((event) => event.streamVersion)).toEqual([3n, 4n]);
        const eventIds = events.map((event) => event.eventId);
        expect(page.map((event) => event.eventId)).toEqual(eventIds.slice(2, 4));
        const tail = await store.readStream(streamId, { fromVersion: 6n, limit: 10 });
        expect(tail.map((event) => event.streamVersion)).toEqual([6n, 7n]);
        expect(await store.readStream(streamId, { fromVersion: 8n, limit: 10 })).toEqual([]);
        const [first] = await store.readStream(streamId, { fromVersion: 1n, limit: 1 });
        expect(first).toMatchObject({
          streamId, eventId: events[0]!.eventId, type: events[0]!.type, schemaVersion: 1,
          data: events[0]!.data, metadata: events[0]!.metadata,
        });
        expect(first?.recordedAt).toBeInstanceOf(Date);
        expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
      });

      test('readAll returns every event in global order, page by page', async () => {
        const streams = [aStreamId('a'), aStreamId('b')];
        const written: string[] = [];
        for (let round = 0; round < 4; round += 1) {
          const events = streams.map(() => anEvent());
          written.push(...events.map((event) => event.eventId));
          await store.append({
            streams: streams.map((streamId, index) => ({
              streamId, expectedVersion: 'any', events: [events[index]!],
            })),
          });
        }
        const read = await readAtLeast(store, written.length);
        expect(read.map((event) => event.eventId)).toEqual(written);
        read.slice(1).forEach((event, index) => {
          expect(comparePositions(read[index]!.position, event.position)).toBeLessThan(0);
        });
        expect(await store.headPosition()).toEqual(read[read.length - 1]!.position);
        const last = read[read.length - 1]!.position;
        expect(await store.readAll({ after: last, limit: 10 })).toEqual([]);
      });

      test('an empty store reads nothing and its head is the start', async () => {
        expect(await store.headPosition()).toEqual(START_POSITION);
        expect(await store.readAll({ after: START_POSITION, limit: 10 })).toEqual([]);
      });

      test('waitForAppend resolves after an append, or after its timeout', async () => {
        const startedMs = Date.now();
        await store.waitForAppend(50);
        expect(Date.now() - startedMs).toBeLessThan(5_000);
        await store.waitForAppend(0);
        const woken = store.waitForAppend(10_000);
        await appendOne(aStreamId(), 'any');
        const wokenMs = Date.now();
        await woken;
        expect(Date.now() - wokenMs).toBeLessThan(5_000);
      });
    });

    describe('tamper evidence', () => {
      test('a healthy store verifies', async () => {
        const streams = [aStreamId('a'), aStreamId('b'), aStreamId('c')];
        for (const streamId of streams) await appendOne(streamId, 'any', 3);
        await appendOne(streams[0]!, 'any', 2);
        const progress: number[] = [];
        const verdict = await store.verifyStreams({ onProgress: (count) => progress.push(count) });
        expect(verdict).toEqual({ ok: true, streams: 3, events: 11 });
        expect(progress.length).toBeGreaterThan(0);
      });

      test('after tampering, verification names the stream and version', async () => {
        const streams = [aStreamId('a'), aStreamId('b')];
        for (const streamId of streams) await appendOne(streamId, 'any', 4);
        await subject.tamper(streams[1]!, 3n);
        const verdict = await store.verifyStreams();
        expect(verdict).toMatchObject({ ok: false, streamId: streams[1], streamVersion: 3n });
      });
    });

    async function expectContiguous(streamId: StreamId, count: number): Promise<void> {
      const events = await store.readStream(streamId, { fromVersion: 1n, limit: count + 10 });
      const expected = Array.from({ length: count }, (_, index) => BigInt(index + 1));
      expect(events.map((event) => event.streamVersion)).toEqual(expected);
      expect(await store.streamVersion(streamId)).toBe(BigInt(count));
      expect(new Set(events.map((event) => event.eventId)).size).toBe(count);
    }
  });
}

/** Reads the whole log from the start, PAGE_SIZE events at a time. */
/**
 * readEverything until it holds at least `count` events: a Postgres reader sees a commit only
 * once no older transaction runs anywhere in the cluster (another test file's included), so
 * what this test just wrote may show a moment later. Bounded.
 */
export async function readAtLeast(store: EventStore, count: number): Promise<RecordedEvent[]> {
  for (let attempt = 0; attempt < HORIZON_WAITS_MAX; attempt += 1) {
    const events = await readEverything(store);
    if (events.length >= count) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return readEverything(store);
}
const HORIZON_WAITS_MAX = 500;

export async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after = START_POSITION;
  for (let page = 0; page < READ_PAGES_MAX; page += 1) {
    const batch = await store.readAll({ after, limit: PAGE_SIZE });
    if (batch.length === 0) return events;
    events.push(...batch);
    after = batch[batch.length - 1]!.position;
  }
  throw new Error('the log is longer than READ_PAGES_MAX pages');
}
