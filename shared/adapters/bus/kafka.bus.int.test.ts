// Goal: the Kafka bus passes the shared Bus contract against a real broker. It runs only when
// KAFKA_BROKERS is set; otherwise it skips and says why (no broker can be installed here).
import { busContract } from '../../testing/contracts/bus.contract';
import { KafkaBus, parseBrokers } from './kafka.bus';

const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '');
const describeKafka = brokers.length > 0 ? describe : describe.skip;
if (brokers.length === 0) {
  process.stderr.write('[kafka.bus] skipped: no Kafka broker: set KAFKA_BROKERS; none can be'
    + ' installed on these machines\n');
}

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
