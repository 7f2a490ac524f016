// Goal: the composition root chooses Kafka only when KAFKA_BROKERS names a broker; without
// it there is no bus (so no relay) and consumers read the event log.
import { KafkaBus } from '../../shared/adapters/bus/kafka.bus';
import { busFor } from './integration';

test('a KafkaBus with KAFKA_BROKERS, none without (or with only blanks)', async () => {
  const bus = busFor({ KAFKA_BROKERS: [' kafka:9092', 'kafka-2:9092 '] });
  expect(bus).toBeInstanceOf(KafkaBus);
  await bus!.close(); // never connected: nothing to release
  expect(busFor({})).toBeUndefined();
  expect(busFor({ KAFKA_BROKERS: [' '] })).toBeUndefined();
});
