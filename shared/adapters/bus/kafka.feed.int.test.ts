// Goal: the integration feed in Kafka mode passes the IntegrationFeed contract against a real
// broker. It runs only when KAFKA_BROKERS is set; otherwise it skips and says why (no broker
// can be installed on these machines).
import { ALL_TOPICS, integrationMessageOf } from '../../integration/topics';
import { integrationFeedContract } from '../../testing/contracts/integration-feed.contract';
import { busFeed } from './bus.feed';
import { kafkaTestBrokers } from '../../testing/kafka-test-brokers';
import { KafkaBus } from './kafka.bus';

const { brokers, describeKafka } = kafkaTestBrokers('kafka.feed');

describeKafka('the bus feed against a real broker', () => {
  // A consumer group join takes seconds, and the contract waits up to 30 s for deliveries.
  jest.setTimeout(60_000);
  integrationFeedContract('bus (kafka)', async () => {
    const bus = new KafkaBus({ brokers, clientId: 'tng-feed-contract' });
    // The integration topics are shared by every run: the contract's fresh keys tell its own.
    await bus.ensureTopics(ALL_TOPICS);
    return {
      feed: busFeed(bus),
      emit: (sources) =>
        bus.publish(sources.flatMap((source) => integrationMessageOf(source) ?? [])),
      stop: () => bus.close(),
    };
  });
});
