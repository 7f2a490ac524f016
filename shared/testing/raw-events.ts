// Writes a stream's events as the Postgres append function would (hash chain, stream head),
// with plain inserts from a connection the caller holds: for tests that keep a transaction
// open while others commit, and for databases older than today's append function.
import type { ClientBase } from 'pg';
import { GENESIS_HASH, hashEvent } from '../adapters/event-store/event-hash';
import type { NewEvent } from '../ports/event-store.port';
import { anEvent } from './event-builders';

/** Inserts `events` as versions 1..n of a new stream; returns their ids. */
export async function insertRawEvents(
  client: ClientBase,
  streamId: string,
  events: readonly NewEvent[] = [anEvent()],
): Promise<string[]> {
  let hash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const streamVersion = BigInt(index + 1);
    hash = hashEvent(hash, { ...event, streamId, streamVersion });
    await client.query(
      `insert into events (stream_id, stream_version, event_id, type, schema_version, data,
        metadata, hash) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [streamId, streamVersion.toString(), event.eventId, event.type, event.schemaVersion,
        JSON.stringify(event.data), JSON.stringify(event.metadata), hash],
    );
  }
  await client.query('insert into streams (stream_id, version, last_hash) values ($1, $2, $3)',
    [streamId, events.length, hash]);
  return events.map((event) => event.eventId);
}

/** One event as a new stream's first, from a transaction the test holds open. */
export const insertRawEvent = async (client: ClientBase, streamId: string): Promise<string> =>
  (await insertRawEvents(client, streamId))[0]!;
