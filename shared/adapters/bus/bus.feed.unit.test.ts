// Goal: the integration feed in bus mode passes the IntegrationFeed contract over the
// in-process bus (the stand-in for Kafka consumer groups), fed as the relay feeds it.
import { integrationMessageOf } from '../../integration/topics';
import { integrationFeedContract } from '../../testing/contracts/integration-feed.contract';
import { busFeed } from './bus.feed';
import { InProcessBus } from './in-process.bus';

integrationFeedContract('bus (in-process)', async () => {
  const bus = new InProcessBus({ retryDelayMs: 1 });
  return {
    feed: busFeed(bus),
    emit: (sources) => bus.publish(sources.flatMap((source) => integrationMessageOf(source) ?? [])),
    stop: () => bus.close(),
  };
});
