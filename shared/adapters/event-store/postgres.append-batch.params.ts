// Lays a batch of append requests out as the one jsonb array that tng_append_batch takes
// (migrations/0008_append_steps.sql: an element per append, read into its typed records, so
// the field names here are that file's). Pure: no I/O, no clock.
//
// The work is split in two so that most of it happens off the writer's critical path:
// prepareAppend runs when a caller submits (while the previous batch is in the database)
// and writes the request's whole JSON element; layOutBatch, on the writer's turn, only
// joins the elements.
//
// Within a request, streams are sent in code-unit order of their ids, which decides which
// stale stream a VersionConflict names when several are stale; events keep the request's
// order, so global positions follow it. Each event goes with its canonical JSON cut around
// the version (event-hash.ts), for the function to hash once it has assigned the version.
import type {
  AppendRequest, ExpectedVersion, StreamAppend,
} from '../../ports/event-store.port';
import { canonicalParts } from './event-hash';
import { EXPECT_ANY, EXPECT_NO_STREAM } from './postgres.append-batch.sql';

/** One request, ready to be laid out in any batch. */
export type PreparedAppend = Readonly<{
  request: AppendRequest;
  /** The request's streams in the order sent, which its result row indexes into. */
  sent: readonly StreamAppend[];
  eventCount: number;
  /** The request's element of the batch's jsonb array, as JSON text. */
  element: string;
}>;

export function prepareAppend(request: AppendRequest): PreparedAppend {
  const sent = [...request.streams].sort((a, b) => compareText(a.streamId, b.streamId));
  const streamIndex = new Map(sent.map((stream, index) => [stream.streamId, index + 1]));
  const events = request.streams.flatMap(({ streamId, events: streamEvents }) =>
    streamEvents.map((event) => {
      const { head, tail } = canonicalParts({ ...event, streamId });
      return {
        stream: streamIndex.get(streamId), event_id: event.eventId, type: event.type,
        schema_version: event.schemaVersion, head, tail,
      };
    }));
  const { idempotency: record, uniqueClaims = [], credentials = [] } = request;
  const element = JSON.stringify({
    streams: sent.map((stream) => ({
      stream_id: stream.streamId, expected: encodeExpected(stream.expectedVersion).toString(),
    })),
    events,
    idempotency: record && {
      scope: record.scope, key: record.key, request_hash: record.requestHash,
      response_status: record.responseStatus, response_body: record.responseBody,
    },
    claims: uniqueClaims.map((claim) => ({
      scope: claim.scope, value: claim.value, owner_id: claim.ownerId,
    })),
    credentials: credentials.map((credential) => ({
      user_id: credential.userId, password_hash: credential.passwordHash,
    })),
  });
  return { request, sent, eventCount: events.length, element };
}

/**
 * The statement's parameters, in APPEND_BATCH_PARAMETER_TYPES order. `after`: per request,
 * the 1-based indices of earlier requests it follows (migrations/0015_append_chains.sql),
 * added to its element as `predecessors`.
 */
export const layOutBatch = (
  batch: readonly PreparedAppend[],
  notify: boolean,
  after: ReadonlyArray<readonly number[]> = [],
): unknown[] =>
  [`[${batch.map((prepared, index) => withPredecessors(prepared.element, after[index])).join(',')}]`,
    notify];

const withPredecessors = (element: string, predecessors: readonly number[] | undefined) =>
  predecessors && predecessors.length > 0
    ? `${element.slice(0, -1)},"predecessors":${JSON.stringify(predecessors)}}`
    : element;

const encodeExpected = (expected: ExpectedVersion): bigint =>
  expected === 'any' ? EXPECT_ANY : expected === 'no-stream' ? EXPECT_NO_STREAM : expected;

// Code-unit order, independent of locale: it picks which conflict is reported first.
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
