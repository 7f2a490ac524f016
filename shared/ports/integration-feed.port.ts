// The integration feed port: how our own consumers (notifications, fraud hints) receive
// integration messages. With KAFKA_BROKERS the feed is the bus (Kafka consumer groups); without
// it the same consumers follow the event log directly, each with its own checkpoint, so the
// embedded default loses nothing across a crash (an in-memory bus would). Either way a message
// counts as consumed only after its handler resolved, delivery is at least once, and order
// holds per key: handlers dedupe by `eventId`.
// Kernel: depends on nothing but the bus port's message shape.
import type { BusHandler, BusSubscription } from './bus.port';

export interface IntegrationFeed {
  /**
   * Delivers every message of `topics` to `handler`, once per `group` (a group is a consumer:
   * its progress is its own). Resolves once the subscription runs.
   */
  subscribe(
    group: string,
    topics: readonly string[],
    handler: BusHandler,
  ): Promise<BusSubscription>;
}
