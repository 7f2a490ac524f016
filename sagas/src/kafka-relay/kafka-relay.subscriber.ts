// The Kafka relay's subscriber: each batch of money and plan events of the log becomes its
// integration messages (shared/integration/topics.ts), published in log order in one
// `bus.publish`, which resolves only once the broker acknowledged them all. It delivers
// 'before-checkpoint', so the checkpoint moves only after that ack: a failed publish moves
// nothing, and the runner backs off and hands the same batch again (at least once; a
// publish that reached the broker but whose ack was lost is published again, and consumers
// dedupe by event id). Order per key holds because batches go out one at a time, in order.
import type { Bus, BusMessage } from '../../../shared/ports/bus.port';
import { integrationMessagesOf } from '../../../shared/integration/integration-messages';
import { INTEGRATION_EVENT_TYPES } from '../../../shared/integration/topics';
import type { EffectSubscriber } from '../../../shared/subscriptions/subscriber';
import type { SagaSubscriberName } from '../../../shared/subscriptions/subscriber-names';
import type { Metrics } from '../../../shared/telemetry/metrics';

export const KAFKA_RELAY_SUBSCRIBER: SagaSubscriberName = 'kafka-relay';

export type KafkaRelayDeps = Readonly<{
  bus: Pick<Bus, 'publish'>;
  metrics: Pick<Metrics, 'relayPublished' | 'relayPublishFailures'>;
}>;

export function kafkaRelaySubscriber(deps: KafkaRelayDeps): EffectSubscriber {
  return {
    name: KAFKA_RELAY_SUBSCRIBER,
    eventTypes: INTEGRATION_EVENT_TYPES,
    delivery: 'before-checkpoint',
    handle: async (events) => {
      const messages = integrationMessagesOf(events);
      if (messages.length === 0) return;
      try {
        await deps.bus.publish(messages);
      } catch (error) {
        deps.metrics.relayPublishFailures.inc();
        throw error;
      }
      for (const [topic, count] of countByTopic(messages)) {
        deps.metrics.relayPublished.inc({ topic }, count);
      }
    },
  };
}

function countByTopic(messages: readonly BusMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic } of messages) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
}
