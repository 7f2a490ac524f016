// The stream-locks part of the EventStore contract (event-store.contract.ts runs it for every
// adapter): a decision taken under withStreamLocks reads, decides and appends with no other
// append to its streams in between, so it cannot meet a stale version; two holders over the
// same streams, whatever order they name them in, never deadlock; a decision that throws
// appends nothing; the append keeps every check of `append` and writes its idempotency
// record; and an append outside the locked streams is a bug that writes nothing.
import { InvariantViolation } from '../../errors/assert';
import {
  IdempotencyKeyTaken, type EventStore, type IdempotencyRecord, type StreamId,
} from '../../ports/event-store.port';
import { aStreamId, anEvent } from '../event-builders';

const HOLDERS = 20;
// Long enough for a competing append to land if the locks did not hold it back.
const HOLD_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const keyRecord = (key: string): IdempotencyRecord => ({
  scope: 'user-locks', key, requestHash: 'sha256:locks', responseStatus: 201,
  responseBody: `{"key":"${key}"}`,
});

/** One read-decide-append cycle under the locks of `streamIds`: one event on each. */
function incrementUnderLocks(store: EventStore, streamIds: readonly StreamId[]) {
  return store.withStreamLocks(streamIds, async () => {
    const versions = await Promise.all(streamIds.map((id) => store.streamVersion(id)));
    const streams = streamIds.map((streamId, index) =>
      ({ streamId, expectedVersion: versions[index]!, events: [anEvent()] }));
    return { value: versions, append: { streams } };
  });
}

export function streamLocksContract(storeOf: () => EventStore): void {
  describe('stream locks (pessimistic concurrency)', () => {
    test(`of ${HOLDERS} concurrent read-decide-append cycles on one stream, every one wins`,
      async () => {
        const store = storeOf();
        const streamId = aStreamId();
        const outcomes = await Promise.all(
          Array.from({ length: HOLDERS }, () => incrementUnderLocks(store, [streamId])),
        );
        const read = outcomes.map((outcome) => outcome.value[0]!).sort((a, b) => (a < b ? -1 : 1));
        expect(read).toEqual(Array.from({ length: HOLDERS }, (_, index) => BigInt(index)));
        expect(outcomes.map((outcome) => outcome.result?.nextVersions.get(streamId)))
          .toEqual(outcomes.map((outcome) => outcome.value[0]! + 1n));
        expect(await store.streamVersion(streamId)).toBe(BigInt(HOLDERS));
      });

    test('an append to a locked stream waits until the decision has appended', async () => {
      const store = storeOf();
      const streamId = aStreamId();
      await store.append({ streams: [{ streamId, expectedVersion: 'any', events: [anEvent()] }] });
      let competing: Promise<unknown> | undefined;
      const locked = await store.withStreamLocks([streamId], async () => {
        const before = await store.streamVersion(streamId);
        competing = store.append({
          streams: [{ streamId, expectedVersion: 'any', events: [anEvent()] }],
        });
        await sleep(HOLD_MS);
        const after = await store.streamVersion(streamId);
        const streams = [{ streamId, expectedVersion: before, events: [anEvent()] }];
        return { value: { before, after }, append: { streams } };
      });
      expect(locked.value).toEqual({ before: 1n, after: 1n });
      expect(locked.result?.nextVersions.get(streamId)).toBe(2n);
      expect(locked.result?.position).not.toBeNull();
      await expect(competing).resolves.toMatchObject({ nextVersions: new Map([[streamId, 3n]]) });
    });

    test('holders naming the same streams in opposite orders all commit', async () => {
      const store = storeOf();
      const [first, second] = [aStreamId('a'), aStreamId('b')];
      const outcomes = await Promise.allSettled(Array.from({ length: HOLDERS }, (_, index) =>
        incrementUnderLocks(store, index % 2 === 0 ? [first, second] : [second, first])));
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      expect(await store.streamVersion(first)).toBe(BigInt(HOLDERS));
      expect(await store.streamVersion(second)).toBe(BigInt(HOLDERS));
    });

    test('a decision that throws appends nothing and releases the locks', async () => {
      const store = storeOf();
      const streamId = aStreamId();
      const refusal = new Error('decided not to');
      await expect(store.withStreamLocks([streamId], async () => { throw refusal; }))
        .rejects.toBe(refusal);
      await store.append({ streams: [{ streamId, expectedVersion: 'no-stream', events: [anEvent()] }] });
      expect(await store.streamVersion(streamId)).toBe(1n);
    });

    test('a decision that appends nothing gets its value and no result', async () => {
      const store = storeOf();
      const outcome = await store.withStreamLocks([aStreamId()], async () =>
        ({ value: 'nothing to do', append: null }));
      expect(outcome).toEqual({ value: 'nothing to do', result: null });
    });

    test("the append keeps append's checks and stores its idempotency record", async () => {
      const store = storeOf();
      const streamId = aStreamId();
      const taken = aStreamId('key');
      await store.append({
        streams: [{ streamId, expectedVersion: 'no-stream', events: [anEvent()] }],
        idempotency: keyRecord(taken),
      });
      const appendWith = (key: string) => store.withStreamLocks([streamId], async () => ({
        value: key,
        append: {
          streams: [{ streamId, expectedVersion: 1n, events: [anEvent()] }],
          idempotency: keyRecord(key),
        },
      }));
      await expect(appendWith(taken)).rejects.toBeInstanceOf(IdempotencyKeyTaken);
      expect(await store.streamVersion(streamId)).toBe(1n);
      const fresh = aStreamId('key');
      const outcome = await appendWith(fresh);
      expect(outcome.value).toBe(fresh);
      expect(outcome.result?.nextVersions.get(streamId)).toBe(2n);
      expect(await store.findIdempotency('user-locks', fresh))
        .toMatchObject({ responseBody: `{"key":"${fresh}"}` });
      const events = await store.readStream(streamId, { fromVersion: 1n, limit: 10 });
      expect(events.map((event) => event.streamVersion)).toEqual([1n, 2n]);
      expect(await store.verifyStreams()).toMatchObject({ ok: true });
    });

    test('an append to a stream the decision does not hold is a bug and writes nothing',
      async () => {
        const store = storeOf();
        const [held, other] = [aStreamId('held'), aStreamId('other')];
        const outside = store.withStreamLocks([held], async () => ({
          value: null,
          append: { streams: [{ streamId: other, expectedVersion: 'any' as const, events: [anEvent()] }] },
        }));
        await expect(outside).rejects.toBeInstanceOf(InvariantViolation);
        expect(await store.streamVersion(other)).toBe(0n);
        await incrementUnderLocks(store, [held]);
        expect(await store.streamVersion(held)).toBe(1n);
      });
  });
}
