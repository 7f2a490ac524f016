// Goal: the Kafka bus passes the shared Bus contract against a real broker. It runs only when
// KAFKA_BROKERS is set; otherwise it skips and says why (no broker can be installed here).
import { busContract } from '../../testing/contracts/bus.contract';
import { kafkaTestBrokers } from '../../testing/kafka-test-brokers';
import { KafkaBus } from './kafka.bus';

const { brokers, describeKafka } = kafkaTestBrokers('kafka.bus');

describeKafka('KafkaBus against a real broker', () => {
  // A consumer group join takes seconds, and the contract waits up to 30 s for deliveries.
  jest.setTimeout(60_000);
  busContract('kafka', async () => {
    const bus = new KafkaBus({ brokers, clientId: 'tng-bus-contract' });
    return {
      bus,
      createTopics: (topics) => bus.ensureTopics(topics),
      stop: () => bus.close(),
    };
  });
});
