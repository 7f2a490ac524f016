// Preconditions every adapter asserts at the port boundary (docs/style.md, "Assertions"), and the
// limits that bound one append and one read. A request that breaks them is a caller bug, so it is
// an InvariantViolation, never a domain rejection.
import { assert } from '../../errors/assert';
import type { AppendRequest, ExpectedVersion, NewEvent } from '../../ports/event-store.port';

/** Events in one append: a transfer writes a handful; a larger batch is a bug. */
export const APPEND_EVENTS_MAX = 1_000;
/** Streams in one append. */
export const APPEND_STREAMS_MAX = 100;
/** Unique claims in one append. */
export const APPEND_CLAIMS_MAX = 100;
/** The longest password hash a credential holds (the credentials table checks it too). */
export const PASSWORD_HASH_LENGTH_MAX = 1_024;
/** The largest `limit` of readStream and readAll. */
export const READ_LIMIT_MAX = 10_000;

// Lower case only: Postgres prints uuids in lower case, and the hash covers the id's text.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertValidAppend(request: AppendRequest): void {
  assert(request.streams.length <= APPEND_STREAMS_MAX, 'too many streams in one append');
  const streamIds = new Set(request.streams.map((stream) => stream.streamId));
  assert(streamIds.size === request.streams.length, 'a stream appears once per append');
  const events = request.streams.flatMap((stream) => stream.events);
  assert(events.length <= APPEND_EVENTS_MAX, 'too many events in one append');
  const eventIds = new Set(events.map((event) => event.eventId));
  assert(eventIds.size === events.length, 'an event id appears once per append');
  for (const stream of request.streams) {
    assert(stream.streamId.length > 0, 'a stream id is not empty');
    assertExpectedVersion(stream.expectedVersion);
  }
  events.forEach(assertValidEvent);
  const status = request.idempotency?.responseStatus ?? 200;
  assert(Number.isInteger(status) && status >= 100 && status <= 599, 'an HTTP status is stored');
  const claims = request.uniqueClaims ?? [];
  assert(claims.length <= APPEND_CLAIMS_MAX, 'too many unique claims in one append');
  const claimKeys = new Set(claims.map((claim) => JSON.stringify([claim.scope, claim.value])));
  assert(claimKeys.size === claims.length, 'a unique claim appears once per append');
  const credentials = request.credentials ?? [];
  assert(credentials.length === 0 || events.length > 0, 'credentials are written with events');
  const owners = new Set(credentials.map((credential) => credential.userId));
  assert(owners.size === credentials.length, 'a user has one credential per append');
  for (const { userId, passwordHash } of credentials) {
    assert(userId.length > 0 && userId.length <= 128, 'a credential names its user');
    assert(passwordHash.length > 0, 'a credential holds a hash');
    assert(passwordHash.length <= PASSWORD_HASH_LENGTH_MAX, 'a hash is at most 1024 chars');
  }
}

function assertExpectedVersion(expected: ExpectedVersion): void {
  if (typeof expected === 'bigint') assert(expected >= 0n, 'an expected version is >= 0');
}

function assertValidEvent(event: NewEvent): void {
  assert(UUID.test(event.eventId), 'an event id is a lower-case uuid');
  assert(event.type.length > 0, 'an event type is not empty');
  assert(Number.isSafeInteger(event.schemaVersion), 'a schema version is an integer');
  assert(event.schemaVersion >= 1, 'a schema version is >= 1');
}

export function assertReadLimit(limit: number): void {
  assert(Number.isSafeInteger(limit), 'a read limit is an integer');
  assert(limit >= 1, 'a read limit is >= 1');
  assert(limit <= READ_LIMIT_MAX, 'a read limit is <= READ_LIMIT_MAX');
}

/** True when the stream's current version satisfies the expectation. */
export function versionMatches(expected: ExpectedVersion, actual: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === 0n;
  return expected === actual;
}

/** Every event id of the request, in request order. */
export const requestEventIds = (request: AppendRequest): string[] =>
  request.streams.flatMap((stream) => stream.events.map((event) => event.eventId));

/** Streams one withStreamLocks call may lock: a decision's few, never a batch. */
export const LOCKED_STREAMS_MAX = APPEND_STREAMS_MAX;

export function assertValidLocks(streamIds: readonly string[]): void {
  assert(streamIds.length > 0, 'a locked decision locks at least one stream');
  assert(streamIds.length <= LOCKED_STREAMS_MAX, 'too many streams locked at once');
  assert(streamIds.every((streamId) => streamId.length > 0), 'a stream id is not empty');
}

/** An append made under stream locks writes and checks only streams it holds. */
export function assertAppendUnderLocks(request: AppendRequest, locked: ReadonlySet<string>): void {
  const outside = request.streams.filter((stream) => !locked.has(stream.streamId));
  assert(outside.length === 0, 'an append under stream locks touches only locked streams');
}
