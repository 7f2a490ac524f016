// Test support for suites that need a real Kafka broker: they run only when KAFKA_BROKERS
// names one, and otherwise skip and say why (no broker can be installed on these machines).
import { parseBrokers } from '../adapters/bus/kafka.bus';

export type KafkaTestBrokers = { brokers: string[]; describeKafka: jest.Describe };

export function kafkaTestBrokers(suite: string): KafkaTestBrokers {
  const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
  if (brokers.length === 0) {
    process.stderr.write(`[${suite}] skipped: no Kafka broker: set KAFKA_BROKERS; none can be`
      + ' installed on these machines\n');
  }
  return { brokers, describeKafka: brokers.length > 0 ? describe : describe.skip };
}
