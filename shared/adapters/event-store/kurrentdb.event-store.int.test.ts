// Goal: the KurrentDB adapter passes the shared EventStore contract against a real server
// (KurrentDB 25.1 or later: multi-stream appends). It runs only when KURRENTDB_URL names one;
// otherwise it skips and says why (no KurrentDB server can be installed on these machines).
// Each store gets a namespace of its own, so runs on one server never meet.
import { randomUUID } from 'node:crypto';
import { KurrentDBClient, jsonEvent, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import { eventStoreContract } from '../../testing/contracts/event-store.contract';
import { KurrentDBEventStore } from './kurrentdb.event-store';
import { kurrentNames } from './kurrentdb.names';

const url = process.env.KURRENTDB_URL ?? '';
if (!url) {
  process.stderr.write('[kurrentdb.event-store] skipped: no KurrentDB server: set KURRENTDB_URL;'
    + ' none can be installed on these machines\n');
}
const describeKurrent = url ? describe : describe.skip;

describeKurrent('KurrentDB event store against a real server', () => {
  eventStoreContract('kurrentdb', async (options) => {
    const namespace = `test-${randomUUID()}`;
    const codec = options?.codec;
    const store = new KurrentDBEventStore({ connectionString: url, namespace, codec });
    return {
      store,
      stop: () => store.close(),
      tamper: (streamId, streamVersion) => tamper(namespace, streamId, streamVersion),
    };
  });
});

// KurrentDB never changes a stored event, so tampering is what an administrator can do:
// truncate the stream and append it again, one event's data changed, every hash kept.
async function tamper(namespace: string, streamId: string, streamVersion: bigint): Promise<void> {
  const client = KurrentDBClient.connectionString(url);
  try {
    const name = kurrentNames(namespace).stream(streamId);
    const events: Array<NonNullable<ResolvedEvent['event']>> = [];
    for await (const { event } of client.readStream(name)) if (event) events.push(event);
    const last = events.at(-1)!.revision;
    await client.setStreamMetadata(name, { truncateBefore: Number(last) + 1 });
    const forged = events.map((event) => jsonEvent({
      id: event.id,
      type: event.type,
      data: event.revision + 1n === streamVersion
        ? { ...(event.data as object), amountMinor: '1000000' }
        : event.data as Record<string, unknown>,
      metadata: ourProperties(event.metadata),
    }));
    await client.appendToStream(name, forged, { streamState: last });
  } finally {
    await client.dispose();
  }
}

const ourProperties = (metadata: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(metadata as Record<string, unknown>)
    .filter((entry): entry is [string, string] =>
      entry[0].startsWith('tng-') && typeof entry[1] === 'string'));
