// Lays a batch of append requests out as the parallel arrays that tng_append_batch takes
// (migrations/0004_append_function.sql documents each one). Pure: no I/O, no clock.
//
// The work is split in two so that most of it happens off the writer's critical path:
// prepareAppend runs when a caller submits (while the previous batch is in the database)
// and does everything that depends on the request alone; layOutBatch, on the writer's
// turn, only numbers the batch's streams and concatenates.
//
// Within a request, streams are sent in code-unit order of their ids, which decides which
// stale stream a VersionConflict names when several are stale (as the two-statement append
// did); events keep the request's order, so global positions follow it. Each event goes
// with its canonical JSON cut around the version (event-hash.ts), for the function to hash.
import { assert } from '../../errors/assert';
import type {
  AppendRequest, ExpectedVersion, StreamAppend, StreamId,
} from '../../ports/event-store.port';
import { canonicalParts } from './event-hash';
import { EXPECT_ANY, EXPECT_NO_STREAM } from './postgres.append-batch.sql';

/** One request, ready to be laid out in any batch. */
export type PreparedAppend = Readonly<{
  request: AppendRequest;
  /** The request's streams in the order sent, which its result row indexes into. */
  sent: readonly StreamAppend[];
  eventCount: number;
  /** Per event, in request order: the index of its stream in `sent`, and its columns. */
  eventStreams: readonly number[];
  eventColumns: ReadonlyArray<readonly [string, string, number, string, string]>;
}>;

export function prepareAppend(request: AppendRequest): PreparedAppend {
  const sent = [...request.streams].sort((a, b) => compareText(a.streamId, b.streamId));
  const eventStreams: number[] = [];
  const eventColumns: Array<[string, string, number, string, string]> = [];
  for (const { streamId, events } of request.streams) {
    const index = sent.findIndex((stream) => stream.streamId === streamId);
    assert(index >= 0, 'every stream of the request is sent');
    for (const event of events) {
      const { head, tail } = canonicalParts({ ...event, streamId });
      eventStreams.push(index);
      eventColumns.push([event.eventId, event.type, event.schemaVersion, head, tail]);
    }
  }
  return { request, sent, eventCount: eventColumns.length, eventStreams, eventColumns };
}

type Columns = {
  requestStreamCounts: number[]; requestEventCounts: number[]; requestClaimCounts: number[];
  keyScopes: Array<string | null>; keys: Array<string | null>;
  keyRequestHashes: Array<string | null>; keyStatuses: Array<number | null>;
  keyBodies: Array<string | null>;
  streamSlots: number[]; streamExpected: string[]; batchStreamIds: string[];
  eventStreams: number[]; eventIds: string[]; eventTypes: string[];
  eventSchemaVersions: number[]; eventHeads: string[]; eventTails: string[];
  claimScopes: string[]; claimValues: string[]; claimOwners: string[];
};

/** The statement's parameters, in APPEND_BATCH_PARAMETER_TYPES order. */
export function layOutBatch(batch: readonly PreparedAppend[], notify: boolean): unknown[] {
  const c: Columns = {
    requestStreamCounts: [], requestEventCounts: [], requestClaimCounts: [],
    keyScopes: [], keys: [], keyRequestHashes: [], keyStatuses: [], keyBodies: [],
    streamSlots: [], streamExpected: [], batchStreamIds: [],
    eventStreams: [], eventIds: [], eventTypes: [], eventSchemaVersions: [],
    eventHeads: [], eventTails: [],
    claimScopes: [], claimValues: [], claimOwners: [],
  };
  const slots = new Map<StreamId, number>();
  for (const prepared of batch) layOutRequest(c, slots, prepared);
  return [
    c.requestStreamCounts, c.requestEventCounts, c.requestClaimCounts,
    c.keyScopes, c.keys, c.keyRequestHashes, c.keyStatuses, c.keyBodies,
    c.streamSlots, c.streamExpected, c.batchStreamIds,
    c.eventStreams, c.eventIds, c.eventTypes, c.eventSchemaVersions, c.eventHeads, c.eventTails,
    c.claimScopes, c.claimValues, c.claimOwners,
    notify,
  ];
}

function layOutRequest(c: Columns, slots: Map<StreamId, number>, prepared: PreparedAppend): void {
  // Postgres arrays are 1-based: the request's first stream entry is the next one.
  const firstEntry = c.streamSlots.length + 1;
  for (const stream of prepared.sent) {
    c.streamSlots.push(slotOf(c, slots, stream.streamId));
    c.streamExpected.push(encodeExpected(stream.expectedVersion).toString());
  }
  prepared.eventStreams.forEach((index) => c.eventStreams.push(firstEntry + index));
  for (const [eventId, type, schemaVersion, head, tail] of prepared.eventColumns) {
    c.eventIds.push(eventId);
    c.eventTypes.push(type);
    c.eventSchemaVersions.push(schemaVersion);
    c.eventHeads.push(head);
    c.eventTails.push(tail);
  }
  const { idempotency: record, uniqueClaims: claims = [] } = prepared.request;
  for (const claim of claims) {
    c.claimScopes.push(claim.scope);
    c.claimValues.push(claim.value);
    c.claimOwners.push(claim.ownerId);
  }
  c.keyScopes.push(record?.scope ?? null);
  c.keys.push(record?.key ?? null);
  c.keyRequestHashes.push(record?.requestHash ?? null);
  c.keyStatuses.push(record?.responseStatus ?? null);
  c.keyBodies.push(record?.responseBody ?? null);
  c.requestStreamCounts.push(prepared.sent.length);
  c.requestEventCounts.push(prepared.eventCount);
  c.requestClaimCounts.push(claims.length);
}

function slotOf(c: Columns, slots: Map<StreamId, number>, streamId: StreamId): number {
  const known = slots.get(streamId);
  if (known !== undefined) return known;
  c.batchStreamIds.push(streamId);
  slots.set(streamId, c.batchStreamIds.length);
  return c.batchStreamIds.length;
}

const encodeExpected = (expected: ExpectedVersion): bigint =>
  expected === 'any' ? EXPECT_ANY : expected === 'no-stream' ? EXPECT_NO_STREAM : expected;

// Code-unit order, independent of locale: it picks which conflict is reported first.
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
