// Tamper evidence (docs/architecture.md "The event store"): each event's hash is SHA-256 over the
// hex hash of the previous event of its stream and the event's canonical JSON. Every adapter
// hashes through this module, so a chain written by one verifies under any other.
//
// Canonical JSON follows RFC 8785 (JCS): object keys sorted by UTF-16 code units, no
// whitespace, numbers and strings as JSON.stringify writes them. Values that JSON cannot
// carry losslessly (bigint, NaN, Infinity) are a bug in the caller and throw, because the
// stored bytes would then differ from the hashed ones.
import { createHash } from 'node:crypto';
import { InvariantViolation } from '../../errors/assert';

/** The "previous hash" of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Nesting deeper than this is refused rather than risking a stack overflow. */
export const CANONICAL_DEPTH_MAX = 64;

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  if (depth > CANONICAL_DEPTH_MAX) throw new InvariantViolation('JSON nested too deeply');
  const plain = toJsonValue(value);
  if (plain === null) return 'null';
  switch (typeof plain) {
    case 'boolean':
    case 'string':
      return JSON.stringify(plain);
    case 'number':
      if (!Number.isFinite(plain)) throw new InvariantViolation(`not JSON: ${plain}`);
      return JSON.stringify(plain);
    case 'bigint':
      throw new InvariantViolation('bigint has no JSON form: encode it as a decimal string');
    case 'object':
      return Array.isArray(plain) ? encodeArray(plain, depth) : encodeObject(plain, depth);
    default:
      throw new InvariantViolation(`not JSON: ${typeof plain}`);
  }
}

// Like JSON.stringify: an object with toJSON (a Date) is encoded as what toJSON returns.
function toJsonValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const toJSON = (value as { toJSON: unknown }).toJSON;
    if (typeof toJSON === 'function') return (toJSON as () => unknown).call(value);
  }
  return value;
}

// Like JSON.stringify: undefined and functions inside an array become null.
function encodeArray(items: readonly unknown[], depth: number): string {
  const parts = items.map((item) => (isOmitted(item) ? 'null' : encode(item, depth + 1)));
  return `[${parts.join(',')}]`;
}

// Like JSON.stringify: properties whose value is undefined or a function are left out.
function encodeObject(object: object, depth: number): string {
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => !isOmitted(record[key]))
    .sort(); // Default sort compares UTF-16 code units, as JCS requires.
  const parts = keys.map((key) => `${JSON.stringify(key)}:${encode(record[key], depth + 1)}`);
  return `{${parts.join(',')}}`;
}

const isOmitted = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

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
