// The integration feed in Kafka mode (KAFKA_BROKERS): our own consumers are consumer groups
// of the bus, fed by the Kafka relay. The bus port already promises what the feed port asks
// (every group gets every message, consumed only once its handler resolved, order per key),
// so this only narrows the bus to the feed's one method.
import type { Bus } from '../../ports/bus.port';
import type { IntegrationFeed } from '../../ports/integration-feed.port';

export const busFeed = (bus: Pick<Bus, 'subscribe'>): IntegrationFeed => ({
  subscribe: (group, topics, handler) => bus.subscribe(group, topics, handler),
});
