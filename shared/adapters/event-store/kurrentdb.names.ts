// Where the KurrentDB event store keeps each thing the port stores (docs/architecture.md,
// "KurrentDB"). Every stream of one store starts with its namespace, so several stores (or
// test runs) share a server without meeting, and $all is read through a prefix filter:
// - `<ns>:<streamId>`: our streams, the only ones readAll, readStream and audits see;
// - `<ns>#...`: what an append writes beside its events, in the same atomic append: one
//   marker per event id (global uniqueness), the idempotency record, unique claims and
//   password hashes. Keys that are free text (an e-mail, a caller's key) are hashed into the
//   name, so no input can make a name KurrentDB reads as a system stream or a category.
import { createHash } from 'node:crypto';
import { assert } from '../../errors/assert';
import type { StreamId } from '../../ports/event-store.port';

export type KurrentNames = Readonly<{
  /** Prefix of our streams (readAll's filter, verification). */
  dataPrefix: string;
  /** Prefix of what appends write beside the events. */
  sidePrefix: string;
  stream(streamId: StreamId): string;
  /** The stream id of one of our streams, or null for anything else. */
  streamIdOf(streamName: string): StreamId | null;
  eventMarker(eventId: string): string;
  claim(scope: string, value: string): string;
  idempotency(scope: string, key: string): string;
  credential(userId: string): string;
}>;

const NAMESPACE = /^[a-z][a-z0-9_-]{0,62}$/;

export function kurrentNames(namespace: string): KurrentNames {
  assert(NAMESPACE.test(namespace), 'a KurrentDB namespace is lower-case letters, digits, - or _');
  const dataPrefix = `${namespace}:`;
  const sidePrefix = `${namespace}#`;
  return {
    dataPrefix,
    sidePrefix,
    stream: (streamId) => `${dataPrefix}${streamId}`,
    streamIdOf: (name) => (name.startsWith(dataPrefix) ? name.slice(dataPrefix.length) : null),
    eventMarker: (eventId) => `${sidePrefix}event-id:${eventId}`,
    claim: (scope, value) => `${sidePrefix}claim:${digest(scope, value)}`,
    idempotency: (scope, key) => `${sidePrefix}idempotency:${digest(scope, key)}`,
    credential: (userId) => `${sidePrefix}credential:${digest(userId)}`,
  };
}

// A NUL between parts: ("a", "bc") and ("ab", "c") must not share a name.
const digest = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex');
