// Tamper evidence (docs/architecture.md "The event store"): each event's hash is SHA-256 over the
// hex hash of the previous event of its stream and the event's canonical JSON. Every adapter
// hashes through this module, so a chain written by one verifies under any other. The bytes
// hashed are the event's canonical JSON (shared/ports/canonical-json.ts).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../ports/canonical-json';

/** The "previous hash" of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an event's hash covers: everything the writer chose, nothing the store did. */
export type HashedEvent = Readonly<{
  streamId: string;
  streamVersion: bigint;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
}>;

export function hashEvent(previousHash: string, event: HashedEvent): string {
  const canonical = canonicalJson({
    streamId: event.streamId,
    // JSON has no bigint; the version is hashed as its decimal string.
    streamVersion: event.streamVersion.toString(),
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
  });
  return createHash('sha256').update(previousHash).update(canonical).digest('hex');
}

/**
 * An event's canonical JSON, exactly as hashEvent hashes it, cut around the stream version:
 * canonical = head + decimal digits of the version + tail. A store that assigns versions
 * where it hashes (the Postgres batch append hashes in SQL) completes it there; the result
 * is a JSON object with every hashed field, so the store can take what it writes from it.
 */
export type CanonicalParts = Readonly<{ head: string; tail: string }>;

export function canonicalParts(event: Omit<HashedEvent, 'streamVersion'>): CanonicalParts {
  const data = canonicalJson(event.data);
  const metadata = canonicalJson(event.metadata);
  // The keys in canonical (UTF-16 code unit) order: data, eventId, metadata, schemaVersion,
  // streamId, streamVersion, type. A unit test holds head + version + tail equal to
  // canonicalJson of the whole event, so the two cannot drift apart.
  const head = `{"data":${data},"eventId":${canonicalJson(event.eventId)},` +
    `"metadata":${metadata},"schemaVersion":${canonicalJson(event.schemaVersion)},` +
    `"streamId":${canonicalJson(event.streamId)},"streamVersion":"`;
  const tail = `","type":${canonicalJson(event.type)}}`;
  return { head, tail };
}
