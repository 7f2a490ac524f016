// How the Postgres adapter reads rows: bigint and xid8 columns become JS bigints (positions
// and versions outgrow 2^53), set per query rather than globally so that the store never
// changes how other code on the same pg module parses numbers.
import { types as pgTypes, type CustomTypesConfig } from 'pg';
import type {
  EventCodec, EventMetadata, Position, RecordedEvent,
} from '../../ports/event-store.port';
import type { ChainedEvent } from './chain-verifier';
import { decodePayload } from './event-payload';

const INT8_OID = 20;
const XID8_OID = 5069;

const parseBigInt = (text: string): bigint => BigInt(text);

export const STORE_TYPES: CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID || oid === XID8_OID ? parseBigInt : pgTypes.getTypeParser(oid, format),
};

export const EVENT_COLUMNS = `global_position, transaction_id, stream_id, stream_version,
  event_id::text as event_id, type, schema_version, data, metadata, recorded_at, hash`;

export type EventRow = {
  global_position: bigint;
  transaction_id: bigint;
  stream_id: string;
  stream_version: bigint;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
  hash: string;
};

export const positionOf = (row: { transaction_id: bigint; global_position: bigint }): Position =>
  ({ transactionId: row.transaction_id, globalPosition: row.global_position });

export function toRecordedEvent(row: EventRow, codec: EventCodec | undefined): RecordedEvent {
  const { schemaVersion, data } = decodePayload(codec, row.type, row.schema_version, row.data);
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion,
    data,
    // Written from an EventMetadata by append; only this adapter writes the column.
    metadata: row.metadata as EventMetadata,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: positionOf(row),
    recordedAt: row.recorded_at,
    hash: row.hash,
  };
}

/** The stored form, undecoded, for verification. */
export const toChainedEvent = (row: EventRow): ChainedEvent => ({
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  eventId: row.event_id,
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  hash: row.hash,
});
