// One append = one Postgres transaction of two statements (see postgres.append.sql.ts):
// lock the streams and check their versions, then write everything. Between the two, the
// hash chains are computed here from the locked heads. Any rejection rolls the whole
// transaction back; then, before reporting it, the append checks whether it is a retry of
// one already stored (every event id exists), which succeeds without writing.
import type { PoolClient } from 'pg';
import { assert, assertNever } from '../../errors/assert';
import {
  DuplicateEvent, IdempotencyKeyTaken, UniqueClaimTaken, VersionConflict,
  type AppendRequest, type AppendResult, type ExpectedVersion, type StreamAppend, type StreamId,
} from '../../ports/event-store.port';
import { requestEventIds } from './append-request';
import { GENESIS_HASH, hashEvent } from './event-hash';
import {
  EVENT_ID_CONSTRAINT, IDEMPOTENCY_CONSTRAINT, isUniqueViolation,
} from './postgres.errors';
import {
  EXPECT_ANY, LOCK_STREAMS_SQL, WRITE_AND_NOTIFY_SQL, WRITE_ONLY_SQL,
} from './postgres.append.sql';
import { STORE_TYPES } from './postgres.rows';

type LockedHead = { version: bigint; lastHash: string };
type Rejection =
  | { reason: 'version'; error: VersionConflict }
  | { reason: 'duplicate-event' }
  | { reason: 'claim' }
  | { reason: 'idempotency'; error: IdempotencyKeyTaken };
type Outcome =
  | { kind: 'written'; result: AppendResult }
  | { kind: 'rejected'; rejection: Rejection };

export type AppendOptions = Readonly<{ notify: boolean }>;

/** Runs inside a transaction the caller opened; the caller commits or rolls back. */
export async function writeOrReject(
  client: PoolClient,
  request: AppendRequest,
  options: AppendOptions,
): Promise<Outcome> {
  const sorted = [...request.streams].sort((a, b) => compareText(a.streamId, b.streamId));
  const heads = await lockStreams(client, sorted);
  const conflict = await findConflict(client, sorted, heads);
  if (conflict) return { kind: 'rejected', rejection: { reason: 'version', error: conflict } };
  try {
    return await write(client, request, heads, options);
  } catch (error) {
    if (isUniqueViolation(error, EVENT_ID_CONSTRAINT)) {
      return { kind: 'rejected', rejection: { reason: 'duplicate-event' } };
    }
    const idempotency = request.idempotency;
    if (idempotency && isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) {
      const taken = new IdempotencyKeyTaken(idempotency.scope, idempotency.key);
      return { kind: 'rejected', rejection: { reason: 'idempotency', error: taken } };
    }
    throw error;
  }
}

async function lockStreams(
  client: PoolClient,
  sorted: readonly StreamAppend[],
): Promise<Map<StreamId, LockedHead>> {
  const result = await client.query<{ stream_id: string; version: bigint; last_hash: string }>({
    name: 'tng-event-store-lock-streams',
    text: LOCK_STREAMS_SQL,
    values: [
      sorted.map((stream) => stream.streamId),
      sorted.map((stream) => encodeExpected(stream.expectedVersion).toString()),
      sorted.map((stream) => stream.events.length.toString()),
      GENESIS_HASH,
    ],
    types: STORE_TYPES,
  });
  return new Map(result.rows.map((row) => [
    row.stream_id, { version: row.version, lastHash: row.last_hash },
  ]));
}

const encodeExpected = (expected: ExpectedVersion): bigint =>
  expected === 'any' ? EXPECT_ANY : expected === 'no-stream' ? 0n : expected;

// A stream that came back from the lock passed its check; the first that did not is the
// conflict, reported with the version it has now.
async function findConflict(
  client: PoolClient,
  sorted: readonly StreamAppend[],
  heads: ReadonlyMap<StreamId, LockedHead>,
): Promise<VersionConflict | null> {
  const failed = sorted.find((stream) => !heads.has(stream.streamId));
  if (!failed) return null;
  const versions = await streamVersions(client, [failed.streamId]);
  const actual = versions.get(failed.streamId) ?? 0n;
  return new VersionConflict(failed.streamId, failed.expectedVersion, actual);
}

async function write(
  client: PoolClient,
  request: AppendRequest,
  heads: ReadonlyMap<StreamId, LockedHead>,
  options: AppendOptions,
): Promise<Outcome> {
  const chained = chainEvents(request, heads);
  const claims = [...(request.uniqueClaims ?? [])]
    // One order for every append, so two appends cannot deadlock on each other's claims.
    .sort((a, b) => compareText(a.scope, b.scope) || compareText(a.value, b.value));
  const idempotency = request.idempotency ? [request.idempotency] : [];
  const result = await client.query<{
    claimed: number; global_position: bigint | null; transaction_id: bigint;
  }>({
    name: options.notify ? 'tng-event-store-write-notify' : 'tng-event-store-write',
    text: options.notify ? WRITE_AND_NOTIFY_SQL : WRITE_ONLY_SQL,
    values: [
      ...chained.columns,
      chained.heads.map((head) => head.streamId), chained.heads.map((head) => head.lastHash),
      idempotency.map((record) => record.scope), idempotency.map((record) => record.key),
      idempotency.map((record) => record.requestHash),
      idempotency.map((record) => record.responseStatus.toString()),
      idempotency.map((record) => record.responseBody),
      claims.map((claim) => claim.scope), claims.map((claim) => claim.value),
      claims.map((claim) => claim.ownerId),
    ],
    types: STORE_TYPES,
  });
  const row = result.rows[0];
  assert(row !== undefined, 'the write statement returns one row');
  if (row.claimed < claims.length) return { kind: 'rejected', rejection: { reason: 'claim' } };
  const position = row.global_position === null ? null
    : { transactionId: row.transaction_id, globalPosition: row.global_position };
  const nextVersions = new Map([...heads].map(([streamId, head]) => [streamId, head.version]));
  return { kind: 'written', result: { nextVersions, position } };
}

// The events as parameter columns, in request order (so global positions follow it), each
// chained onto the hash before it; and each stream's new last hash.
function chainEvents(request: AppendRequest, heads: ReadonlyMap<StreamId, LockedHead>) {
  const columns: string[][] = [[], [], [], [], [], [], [], []];
  const newHeads: Array<{ streamId: StreamId; lastHash: string }> = [];
  for (const { streamId, events } of request.streams) {
    const head = heads.get(streamId);
    assert(head !== undefined, 'every stream is locked before its events are chained');
    // The lock already advanced the version by the number of events.
    let streamVersion = head.version - BigInt(events.length);
    let hash = head.lastHash;
    for (const event of events) {
      streamVersion += 1n;
      hash = hashEvent(hash, { ...event, streamId, streamVersion });
      const row = [
        streamId, streamVersion.toString(), event.eventId, event.type,
        event.schemaVersion.toString(), JSON.stringify(event.data),
        JSON.stringify(event.metadata), hash,
      ];
      row.forEach((value, index) => columns[index]?.push(value));
    }
    if (events.length > 0) newHeads.push({ streamId, lastHash: hash });
  }
  return { columns, heads: newHeads };
}

/** After the rollback: a retry of a stored append succeeds; anything else is rejected. */
export async function settleRejection(
  client: PoolClient,
  request: AppendRequest,
  rejection: Rejection,
): Promise<AppendResult> {
  const eventIds = requestEventIds(request);
  const existing = await existingEventIds(client, eventIds);
  if (eventIds.length > 0 && existing.size === eventIds.length) {
    const streamIds = request.streams.map((stream) => stream.streamId);
    const versions = await streamVersions(client, streamIds);
    const nextVersions = new Map(streamIds.map((id) => [id, versions.get(id) ?? 0n]));
    return { nextVersions, position: null };
  }
  switch (rejection.reason) {
    case 'version':
    case 'idempotency':
      throw rejection.error;
    case 'duplicate-event': {
      // Events are never deleted, so the id that collided is still there.
      const duplicate = eventIds.find((id) => existing.has(id));
      assert(duplicate !== undefined, 'a duplicate event id exists');
      throw new DuplicateEvent(duplicate);
    }
    case 'claim':
      throw await takenClaim(client, request);
    default:
      return assertNever(rejection);
  }
}

async function existingEventIds(client: PoolClient, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const result = await client.query<{ event_id: string }>({
    text: 'select event_id::text as event_id from events where event_id = any($1::uuid[])',
    values: [eventIds],
  });
  return new Set(result.rows.map((row) => row.event_id));
}

async function streamVersions(
  client: PoolClient,
  streamIds: readonly StreamId[],
): Promise<Map<StreamId, bigint>> {
  const result = await client.query<{ stream_id: string; version: bigint }>({
    text: 'select stream_id, version from streams where stream_id = any($1::text[])',
    values: [streamIds],
    types: STORE_TYPES,
  });
  return new Map(result.rows.map((row) => [row.stream_id, row.version]));
}

async function takenClaim(client: PoolClient, request: AppendRequest): Promise<UniqueClaimTaken> {
  const claims = request.uniqueClaims ?? [];
  const result = await client.query<{ scope: string; value: string; owner_id: string }>({
    text: `select c.scope, c.value, c.owner_id from unique_claims c
      join unnest($1::text[], $2::text[]) as r(scope, value) using (scope, value)`,
    values: [claims.map((claim) => claim.scope), claims.map((claim) => claim.value)],
  });
  const owners = new Map(result.rows.map((row) => [claimKey(row), row.owner_id]));
  const taken = claims.find((claim) => {
    const owner = owners.get(claimKey(claim));
    return owner !== undefined && owner !== claim.ownerId;
  });
  // Claims are never deleted, so the one that was refused is still owned by another.
  assert(taken !== undefined, 'a refused claim is owned by another');
  return new UniqueClaimTaken(taken.scope, taken.value);
}

const claimKey = (claim: { scope: string; value: string }): string =>
  JSON.stringify([claim.scope, claim.value]);

// Code-unit order, independent of locale: it picks which conflict is reported first.
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
