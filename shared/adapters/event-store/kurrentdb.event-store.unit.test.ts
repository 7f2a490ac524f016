// Goal: the KurrentDB store's own logic (the append's reads and retries, the port's order
// over what a refusal met, positions per append over $all, verification) keeps the whole
// EventStore contract, run here against a fake of the client (shared/testing/fake-kurrentdb.ts)
// because no KurrentDB server can run on these machines. The fake is this project's reading
// of KurrentDB's behaviour, not KurrentDB: kurrentdb.event-store.int.test.ts runs the same
// contract against a real server when KURRENTDB_URL is set.
import { eventStoreContract } from '../../testing/contracts/event-store.contract';
import { aStreamId, anEvent } from '../../testing/event-builders';
import { fakeKurrentDB } from '../../testing/fake-kurrentdb';
import { truncateAndForge } from '../../testing/kurrentdb-tamper';
import { KurrentDBEventStore } from './kurrentdb.event-store';

const NAMESPACE = 'tng';

eventStoreContract('kurrentdb (fake client)', async (options) => {
  const client = fakeKurrentDB();
  const store = new KurrentDBEventStore({
    connectionString: 'kurrentdb://fake:2113', namespace: NAMESPACE, codec: options?.codec, client,
  });
  return {
    store,
    stop: () => store.close(),
    tamper: (streamId, streamVersion) =>
      truncateAndForge(client, NAMESPACE, streamId, streamVersion),
  };
});

describe('kurrentdb event store on the fake client', () => {
  test('an append and its side records land in $all together, the append last', async () => {
    const client = fakeKurrentDB();
    const store = new KurrentDBEventStore({ connectionString: 'kurrentdb://fake', client });
    try {
      const streamId = aStreamId('wallet');
      const result = await store.append({
        streams: [{ streamId, expectedVersion: 'no-stream', events: [anEvent(), anEvent()] }],
      });
      const [event] = await store.readStream(streamId, { fromVersion: 2n, limit: 1 });
      expect(result.position).toEqual(event?.position);
      const names: string[] = [];
      for await (const { event: record } of client.readAll()) names.push(record!.streamId);
      expect(names.slice(-2)).toEqual([`tng:${streamId}`, `tng:${streamId}`]);
      expect(names.filter((name) => name.startsWith('tng#event-id:'))).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  test("another process places an append's events as the writer did, from $all alone",
    async () => {
      const client = fakeKurrentDB();
      const writer = new KurrentDBEventStore({ connectionString: 'kurrentdb://fake', client });
      const reader = new KurrentDBEventStore({ connectionString: 'kurrentdb://fake', client });
      try {
        const [source, target] = [aStreamId('wallet'), aStreamId('wallet')];
        const appendTransfer = () => writer.append({
          streams: [
            { streamId: source, expectedVersion: 'any', events: [anEvent()] },
            { streamId: target, expectedVersion: 'any', events: [anEvent(), anEvent()] },
          ],
        });
        const first = await appendTransfer();
        await appendTransfer();
        // The reader has seen none of it: readStream looks up where each append ends.
        const [debit] = await reader.readStream(source, { fromVersion: 1n, limit: 1 });
        const credits = await reader.readStream(target, { fromVersion: 1n, limit: 2 });
        expect(credits.map((credit) => credit.position.transactionId))
          .toEqual([debit!.position.transactionId, debit!.position.transactionId]);
        expect(credits[1]!.position).toEqual(first.position);
        const fromLog = await writer.readAll({ after: { transactionId: 0n, globalPosition: 0n },
          limit: 10 });
        expect(fromLog.slice(0, 3).map((event) => event.position))
          .toEqual([debit!.position, ...credits.map((credit) => credit.position)]);
      } finally {
        await reader.close();
        await writer.close();
      }
    });

  test("another process's append wakes a waiter through the subscription to $all", async () => {
    const client = fakeKurrentDB();
    const writer = new KurrentDBEventStore({ connectionString: 'kurrentdb://fake', client });
    const reader = new KurrentDBEventStore({ connectionString: 'kurrentdb://fake', client });
    try {
      await reader.waitForAppend(0); // opens the subscription
      const woken = reader.waitForAppend(30_000);
      const startedMs = Date.now();
      await writer.append({
        streams: [{ streamId: aStreamId(), expectedVersion: 'any', events: [anEvent()] }],
      });
      await woken;
      expect(Date.now() - startedMs).toBeLessThan(15_000);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});
