// The Kafka relay process of the sagas service: follows the event log through the shared
// subscription runner as the subscriber `kafka-relay` (kafka-relay.subscriber.ts) and
// publishes each batch to the bus before its checkpoint moves. It runs only when a bus is
// configured (KAFKA_BROKERS); without one, consumers follow the log directly through the
// event-log integration feed. Any number may run: the checkpoint lock lets one at a time
// publish a batch. Position and lag are reported as tng_subscription_* (`kafka-relay`).
import type { Pool } from 'pg';
import type { Bus } from '../../../shared/ports/bus.port';
import type { EventStore } from '../../../shared/ports/event-store.port';
import { reportSubscriberProgress } from '../../../shared/subscriptions/subscription-metrics';
import { startSubscription } from '../../../shared/subscriptions/subscription-runner';
import type { Logger } from '../../../shared/telemetry/logger';
import type { Metrics } from '../../../shared/telemetry/metrics';
import { kafkaRelaySubscriber } from './kafka-relay.subscriber';

/**
 * Events read per batch, and so at most this many messages per publish: a few hundred
 * records stay well inside a broker's default request size.
 */
export const RELAY_BATCH_SIZE_MAX = 500;

export type KafkaRelayProcessDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  bus: Pick<Bus, 'publish'>;
  logger: Pick<Logger, 'error' | 'warn'>;
  metrics: Pick<Metrics, 'relayPublished' | 'relayPublishFailures' | 'subscriptionPosition'
    | 'subscriptionLag'>;
  batchSizeMax?: number;
}>;

export function startKafkaRelay(deps: KafkaRelayProcessDeps): { stop(): Promise<void> } {
  return startSubscription(
    {
      pool: deps.pool,
      store: deps.store,
      logger: deps.logger,
      batchSizeMax: deps.batchSizeMax ?? RELAY_BATCH_SIZE_MAX,
      onProgress: reportSubscriberProgress(deps.metrics),
    },
    kafkaRelaySubscriber(deps),
  );
}
