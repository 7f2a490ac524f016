// How a BusMessage travels in a Kafka record: key = the message key (the wallet id, so a
// wallet's messages share a partition and keep their order), value = the payload as JSON,
// headers = the message's headers plus `event-id` and `event-type`, so a consumer can dedupe
// or route without parsing the value. Pure, so it is tested without a broker.
import type { IHeaders, Message } from 'kafkajs';
import type { BusMessage, JsonValue } from '../../ports/bus.port';

export const EVENT_ID_HEADER = 'event-id';
export const EVENT_TYPE_HEADER = 'event-type';

export function toKafkaRecord(message: BusMessage): Message {
  return {
    key: message.key,
    // Throws on a bigint: money must already be a decimal string.
    value: JSON.stringify(message.payload),
    headers: {
      ...message.headers,
      [EVENT_ID_HEADER]: message.eventId,
      [EVENT_TYPE_HEADER]: message.type,
    },
  };
}

export type KafkaRecord = Readonly<{
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}>;

export function fromKafkaRecord(record: KafkaRecord): BusMessage {
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(record.headers ?? {})) {
    if (raw === undefined) continue;
    headers[name] = (Array.isArray(raw) ? raw[0] : raw)?.toString() ?? '';
  }
  const { [EVENT_ID_HEADER]: eventId, [EVENT_TYPE_HEADER]: type, ...rest } = headers;
  if (!eventId || !type) {
    throw new Error(`a record on ${record.topic} lacks the ${EVENT_ID_HEADER} or ${EVENT_TYPE_HEADER} header`);
  }
  return {
    topic: record.topic,
    key: record.key?.toString() ?? '',
    eventId,
    type,
    payload: JSON.parse(record.value?.toString() ?? '{}') as Record<string, JsonValue>,
    headers: rest,
  };
}
