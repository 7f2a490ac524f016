// What operators watch of the Kafka relay: messages the broker acknowledged, by topic, and
// publishes that failed (each is retried from the relay's checkpoint, so a failure delays
// messages and may duplicate some, never loses one). Its position and lag are the
// subscription gauges (tng_subscription_*, subscriber `kafka-relay`).
import client from 'prom-client';
import { ALL_TOPICS } from '../integration/topics';

export function relayMetrics(registry: client.Registry) {
  const relayPublished = new client.Counter({
    name: 'tng_relay_published_total',
    help: 'Integration messages the Kafka relay published and the broker acknowledged, by topic',
    labelNames: ['topic'] as const,
    registers: [registry],
  });
  const relayPublishFailures = new client.Counter({
    name: 'tng_relay_publish_failures_total',
    help: 'Relay publishes the broker refused or did not acknowledge (each batch is retried)',
    registers: [registry],
  });
  for (const topic of ALL_TOPICS) relayPublished.inc({ topic }, 0);
  return { relayPublished, relayPublishFailures };
}
