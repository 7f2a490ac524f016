// How our events and the records an append writes beside them map to KurrentDB events, and
// back (docs/architecture.md, "KurrentDB"). Pure: no client calls, so it is unit-tested.
// - An event keeps its id (the KurrentDB event id), type and data (JSON). What the port adds
//   (schema version, stream version, hash, our metadata) goes into KurrentDB's metadata as
//   string properties, which is all multiStreamAppend accepts: `tng-metadata` holds our
//   metadata as JSON text.
// - Every record of one append carries the append's id (`tng-append`): records of one append
//   lie together in $all, and readAll gives them one transaction id (kurrentdb.positions.ts).
// - The stream version is the one the hash covers; KurrentDB's revision is version - 1 for a
//   stream written only through this adapter, and an append expects the head's actual
//   revision, so the two cannot drift while the store is intact.
import {
  NO_STREAM, jsonEvent, type AppendStreamRequest, type AppendStreamState, type EventData,
} from '@kurrent/kurrentdb-client';
import { InfraError } from '../../errors/domain-error';
import type {
  AppendRequest, EventCodec, EventMetadata, NewEvent, RecordedEvent, StreamId, UniqueClaim,
} from '../../ports/event-store.port';
import type { ChainedEvent } from './chain-verifier';
import { GENESIS_HASH, hashEvent } from './event-hash';
import { decodePayload } from './event-payload';
import type { KurrentNames } from './kurrentdb.names';

export const PROPERTY = Object.freeze({
  schemaVersion: 'tng-schema-version',
  streamVersion: 'tng-stream-version',
  hash: 'tng-hash',
  metadata: 'tng-metadata',
  append: 'tng-append',
});

/** The types of what an append writes beside its events. */
export const SIDE_TYPE = Object.freeze({
  eventId: 'tng-event-id-taken',
  claim: 'tng-unique-claimed',
  idempotency: 'tng-idempotency-recorded',
  credential: 'tng-credential-set',
});

/** A KurrentDB event as the client hands it back, narrowed to what this adapter reads. */
export type KurrentRecord = Readonly<{
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata: unknown;
  created: Date;
  position?: Readonly<{ commit: bigint; prepare: bigint }>;
}>;

/** The last event of one of our streams as an append needs it; `revision` null: no stream. */
export type StreamHead = Readonly<{ revision: bigint | null; version: bigint; hash: string }>;
export const EMPTY_HEAD: StreamHead =
  Object.freeze({ revision: null, version: 0n, hash: GENESIS_HASH });

/** The head's state as KurrentDB's expected state: the append writes right after it. */
export const expectedStateOf = (head: StreamHead): AppendStreamState =>
  head.revision === null ? NO_STREAM : head.revision;

/** One of our events as stored: the hashed fields as written, and where KurrentDB put it. */
export type StoredEvent = ChainedEvent & Readonly<{
  revision: bigint;
  appendId: string;
  recordedAt: Date;
  logPosition: bigint | null;
}>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Reads one of our events back; a record without our properties is a problem, not a throw. */
export function parseStoredEvent(record: KurrentRecord, streamId: StreamId): Parsed<StoredEvent> {
  const properties = record.metadata;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    return { ok: false, problem: 'the event has no metadata properties' };
  }
  const property = (name: string): string | null => {
    const value = (properties as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : null;
  };
  const schemaVersion = Number(property(PROPERTY.schemaVersion));
  const streamVersion = property(PROPERTY.streamVersion);
  const hash = property(PROPERTY.hash);
  const metadataJson = property(PROPERTY.metadata);
  const appendId = property(PROPERTY.append);
  if (!Number.isSafeInteger(schemaVersion) || streamVersion === null
    || !/^[1-9][0-9]*$/.test(streamVersion) || hash === null || metadataJson === null
    || appendId === null) {
    return { ok: false, problem: 'the event lacks the store properties (tng-*)' };
  }
  const data = asJsonObject(record.data);
  const metadata = parseJsonObject(metadataJson);
  if (data === null || metadata === null) {
    return { ok: false, problem: 'the event data or metadata is not a JSON object' };
  }
  return {
    ok: true,
    value: {
      streamId,
      streamVersion: BigInt(streamVersion),
      eventId: record.id,
      type: record.type,
      schemaVersion,
      data,
      metadata,
      hash,
      revision: record.revision,
      appendId,
      recordedAt: record.created,
      logPosition: record.position?.prepare ?? null,
    },
  };
}

/** The head an append chains onto, from the stream's last event (or none). */
export function headOf(last: StoredEvent | null): StreamHead {
  if (!last) return EMPTY_HEAD;
  return { revision: last.revision, version: last.streamVersion, hash: last.hash };
}

/** The port's form of a stored event, upcast by the codec, in the transaction `transactionId`. */
export function toRecordedEvent(
  stored: StoredEvent,
  transactionId: bigint,
  codec: EventCodec | undefined,
): RecordedEvent {
  if (stored.logPosition === null) {
    throw new InfraError('event store: KurrentDB gave no event position (22.6 or later needed)');
  }
  const { schemaVersion, data } =
    decodePayload(codec, stored.type, stored.schemaVersion, { ...stored.data as object });
  return {
    eventId: stored.eventId,
    type: stored.type,
    schemaVersion,
    data,
    metadata: stored.metadata as EventMetadata,
    streamId: stored.streamId,
    streamVersion: stored.streamVersion,
    position: { transactionId, globalPosition: stored.logPosition },
    recordedAt: stored.recordedAt,
    hash: stored.hash,
  };
}

export type AppendPlan = Readonly<{
  /** Side records first, our streams last in request order: the append's last record is
   * then the request's last event, whose position the server reports. */
  requests: AppendStreamRequest[];
  nextVersions: Map<StreamId, bigint>;
  eventCount: number;
}>;

export type PlanInput = Readonly<{
  request: AppendRequest;
  /** Every stream of the request, as read before the append. */
  heads: ReadonlyMap<StreamId, StreamHead>;
  /** Claims not yet owned by anyone (a claim its owner already holds is kept as it is). */
  claimsToWrite: readonly UniqueClaim[];
  names: KurrentNames;
  appendId: string;
  /** Ids for the side records (KurrentDB wants a uuid per record). */
  newId: () => string;
}>;

export function planAppend(input: PlanInput): AppendPlan {
  const { request, heads, names, appendId, newId } = input;
  const tagged = { [PROPERTY.append]: appendId };
  const side = (streamName: string, expectedState: AppendStreamState, type: string,
    data: Record<string, unknown>): AppendStreamRequest =>
    ({
      streamName, expectedState,
      events: [jsonEvent({ id: newId(), type, data, metadata: tagged })],
    });
  const sideRequests: AppendStreamRequest[] = [];
  const idempotency = request.idempotency;
  if (idempotency) {
    sideRequests.push(side(names.idempotency(idempotency.scope, idempotency.key), NO_STREAM,
      SIDE_TYPE.idempotency, { ...idempotency }));
  }
  for (const claim of input.claimsToWrite) {
    sideRequests.push(side(names.claim(claim.scope, claim.value), NO_STREAM, SIDE_TYPE.claim,
      { ...claim }));
  }
  for (const credential of request.credentials ?? []) {
    sideRequests.push(side(names.credential(credential.userId), 'any', SIDE_TYPE.credential,
      { ...credential }));
  }
  const dataRequests: AppendStreamRequest[] = [];
  const nextVersions = new Map<StreamId, bigint>();
  let eventCount = 0;
  for (const { streamId, events } of request.streams) {
    const head = heads.get(streamId) ?? EMPTY_HEAD;
    let { version, hash } = head;
    const written: EventData[] = [];
    for (const event of events) {
      version += 1n;
      const stored = storedForm(event);
      hash = hashEvent(hash, { ...stored, streamId, streamVersion: version });
      written.push(toKurrentEvent(stored, version, hash, appendId));
      sideRequests.push(side(names.eventMarker(event.eventId), NO_STREAM, SIDE_TYPE.eventId,
        { streamId, streamVersion: version.toString() }));
    }
    nextVersions.set(streamId, version);
    eventCount += events.length;
    // A stream with nothing to write cannot carry an expectation in multiStreamAppend: its
    // version was checked against the head read before the append (docs/architecture.md).
    if (written.length > 0) {
      dataRequests.push({ streamName: names.stream(streamId), expectedState: expectedStateOf(head),
        events: written });
    }
  }
  return { requests: [...sideRequests, ...dataRequests], nextVersions, eventCount };
}

// What a JSON store keeps of an event (no undefined, Dates as text), hashed exactly so.
function storedForm(event: NewEvent): NewEvent {
  const data = JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>;
  const metadata = JSON.parse(JSON.stringify(event.metadata)) as EventMetadata;
  return { ...event, data, metadata };
}

function toKurrentEvent(
  event: NewEvent,
  version: bigint,
  hash: string,
  appendId: string,
): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    data: event.data,
    metadata: {
      [PROPERTY.schemaVersion]: String(event.schemaVersion),
      [PROPERTY.streamVersion]: version.toString(),
      [PROPERTY.hash]: hash,
      [PROPERTY.metadata]: JSON.stringify(event.metadata),
      [PROPERTY.append]: appendId,
    },
  });
}

function asJsonObject(value: unknown): Record<string, unknown> | null {
  if (value instanceof Uint8Array) return parseJsonObject(Buffer.from(value).toString('utf8'));
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown> : null;
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    return asJsonObject(JSON.parse(text));
  } catch {
    return null;
  }
}
