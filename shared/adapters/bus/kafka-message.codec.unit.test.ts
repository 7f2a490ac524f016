// Goal: a BusMessage survives the trip through a Kafka record unchanged, with the wallet id
// as the record key and eventId and type in headers; money that is not a string is refused.
import type { BusMessage } from '../../ports/bus.port';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, fromKafkaRecord, toKafkaRecord } from './kafka-message.codec';
import { parseBrokers } from './kafka.bus';

const message: BusMessage = {
  topic: 'payment-success',
  key: 'w-1',
  eventId: '7d0c2c4e-0000-4000-8000-000000000001',
  type: 'WalletCredited',
  payload: { walletId: 'w-1', amountMinor: '1050', note: 'kopi ☕', nested: { list: [1, null] } },
  headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
};

// What kafkajs hands a consumer: Buffers everywhere.
function asReceived(record: ReturnType<typeof toKafkaRecord>) {
  const headers = Object.fromEntries(Object.entries(record.headers ?? {})
    .map(([name, value]) => [name, Buffer.from(String(value))]));
  return { topic: message.topic, key: Buffer.from(String(record.key)),
    value: Buffer.from(String(record.value)), headers };
}

describe('Kafka record codec', () => {
  test('round-trips a message, keyed by wallet, ids in headers', () => {
    const record = toKafkaRecord(message);
    expect(record.key).toBe('w-1');
    expect(record.headers).toMatchObject({
      [EVENT_ID_HEADER]: message.eventId, [EVENT_TYPE_HEADER]: 'WalletCredited',
      traceparent: message.headers.traceparent,
    });
    expect(fromKafkaRecord(asReceived(record))).toEqual(message);
  });

  test('refuses a bigint amount, and a record without the id headers', () => {
    const unsafe = { ...message, payload: { amountMinor: 1n as unknown as string } };
    expect(() => toKafkaRecord(unsafe)).toThrow();
    expect(() => fromKafkaRecord({ topic: 't', key: null, value: Buffer.from('{}') }))
      .toThrow(/event-id/);
  });

  test('KAFKA_BROKERS is a comma-separated list', () => {
    expect(parseBrokers(' kafka:9092, kafka-2:9092 ,')).toEqual(['kafka:9092', 'kafka-2:9092']);
  });
});
