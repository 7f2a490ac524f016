// Tampering with a KurrentDB stream as an administrator could (KurrentDB never changes a stored
// event): truncate the stream and append it again with one event's amount changed and every
// hash kept. The event store contract's tamper test uses it, on the fake client and on a
// real server alike.
import { jsonEvent, type KurrentDBClient, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import { kurrentNames } from '../adapters/event-store/kurrentdb.names';

export async function truncateAndForge(
  client: KurrentDBClient,
  namespace: string,
  streamId: string,
  streamVersion: bigint,
): Promise<void> {
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
}

const ourProperties = (metadata: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(metadata as Record<string, unknown>)
    .filter((entry): entry is [string, string] =>
      entry[0].startsWith('tng-') && typeof entry[1] === 'string'));
