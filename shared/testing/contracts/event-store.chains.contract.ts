// The chained-appends part of the EventStore contract (event-store.contract.ts runs it for
// every adapter): an append made `after` others still in flight is written after them, with
// versions counted on from theirs, when they succeed; when one of them fails it throws
// VersionConflict and writes nothing, even where its own version check would pass because
// another writer moved the stream by the same count (the case a version alone cannot catch).
import {
  VersionConflict, type AppendResult, type EventStore, type ExpectedVersion, type StreamId,
} from '../../ports/event-store.port';
import { aStreamId, anEvent } from '../event-builders';

const CHAIN_LENGTH = 10;

const appendTo = (
  store: EventStore,
  streamId: StreamId,
  expectedVersion: ExpectedVersion,
  after: readonly Promise<AppendResult>[] = [],
  eventId?: string,
) => store.append(
  { streams: [{ streamId, expectedVersion, events: [anEvent(eventId ? { eventId } : {})] }] },
  { after },
);

const eventIdsOf = async (store: EventStore, streamId: StreamId) =>
  (await store.readStream(streamId, { fromVersion: 1n, limit: 100 })).map((e) => e.eventId);

export function chainedAppendsContract(storeOf: () => EventStore): void {
  describe('chained appends (after)', () => {
    test(`a chain of ${CHAIN_LENGTH} appends made without waiting is written in order`,
      async () => {
        const store = storeOf();
        const streamId = aStreamId();
        const chain: Array<Promise<AppendResult>> = [];
        for (let version = 0; version < CHAIN_LENGTH; version += 1) {
          const previous = chain.at(-1);
          chain.push(appendTo(store, streamId, BigInt(version), previous ? [previous] : []));
        }
        const results = await Promise.all(chain);
        expect(results.map((result) => result.nextVersions.get(streamId)))
          .toEqual(Array.from({ length: CHAIN_LENGTH }, (_, index) => BigInt(index + 1)));
        expect(await store.streamVersion(streamId)).toBe(BigInt(CHAIN_LENGTH));
      });

    test('after a failed predecessor nothing is written, though the version would match',
      async () => {
        const store = storeOf();
        const streamId = aStreamId();
        await appendTo(store, streamId, 'no-stream');
        // Another writer moves the stream by one: the predecessor, decided on version 1,
        // fails; the follower expects 2, which the stream now has, on a state it never saw.
        const otherWriter = appendTo(store, streamId, 1n);
        const predecessor = appendTo(store, streamId, 1n);
        const follower = appendTo(store, streamId, 2n, [predecessor]);
        await otherWriter;
        await expect(predecessor).rejects.toBeInstanceOf(VersionConflict);
        await expect(follower).rejects.toBeInstanceOf(VersionConflict);
        await expect(follower).rejects.toMatchObject({ streamId, expected: 2n });
        expect(await store.streamVersion(streamId)).toBe(2n);
      });

    test('a failure anywhere in a chain fails everything after it, and nothing else',
      async () => {
        const store = storeOf();
        const streamId = aStreamId();
        const elsewhere = aStreamId();
        const first = appendTo(store, streamId, 'no-stream');
        const broken = appendTo(store, streamId, 5n, [first]); // a wrong version: it fails
        const third = appendTo(store, streamId, 6n, [broken]);
        const fourth = appendTo(store, streamId, 7n, [third, first]);
        const unrelated = appendTo(store, elsewhere, 'no-stream', [first]);
        expect((await first).nextVersions.get(streamId)).toBe(1n);
        await expect(broken).rejects.toBeInstanceOf(VersionConflict);
        await expect(third).rejects.toBeInstanceOf(VersionConflict);
        await expect(fourth).rejects.toBeInstanceOf(VersionConflict);
        expect((await unrelated).nextVersions.get(elsewhere)).toBe(1n);
        expect(await store.streamVersion(streamId)).toBe(1n);
      });

    test('a predecessor that finds its events already stored counts as succeeded', async () => {
      const store = storeOf();
      const streamId = aStreamId();
      const eventId = anEvent().eventId;
      await appendTo(store, streamId, 'no-stream', [], eventId);
      const retried = appendTo(store, streamId, 'no-stream', [], eventId); // a lost reply
      const follower = appendTo(store, streamId, 1n, [retried]);
      expect((await retried).position).toBeNull();
      expect((await follower).nextVersions.get(streamId)).toBe(2n);
      expect(await eventIdsOf(store, streamId)).toHaveLength(2);
    });

    test('a predecessor already settled is no obstacle, a failed one still is', async () => {
      const store = storeOf();
      const streamId = aStreamId();
      const done = appendTo(store, streamId, 'no-stream');
      await done;
      expect((await appendTo(store, streamId, 1n, [done])).nextVersions.get(streamId)).toBe(2n);
      const failed = appendTo(store, streamId, 9n);
      await expect(failed).rejects.toBeInstanceOf(VersionConflict);
      await expect(appendTo(store, streamId, 2n, [failed])).rejects.toBeInstanceOf(VersionConflict);
      expect(await store.streamVersion(streamId)).toBe(2n);
    });
  });
}
