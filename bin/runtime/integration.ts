// The composition root's choice of bus and integration feed. With KAFKA_BROKERS: a KafkaBus,
// which the Kafka relay (sagas) publishes to, and our own consumers read as Kafka consumer
// groups (busFeed). Without it: no bus and no relay; consumers follow the event log directly
// (eventLogFeed), each group with its own checkpoint, so nothing is lost across a crash.
import { busFeed } from '../../shared/adapters/bus/bus.feed';
import { KafkaBus, parseBrokers } from '../../shared/adapters/bus/kafka.bus';
import type { Config } from '../../shared/config/load-config';
import { eventLogFeed } from '../../shared/integration/event-log.feed';
import type { Bus } from '../../shared/ports/bus.port';
import type { IntegrationFeed } from '../../shared/ports/integration-feed.port';
import { reportSubscriberProgress } from '../../shared/subscriptions/subscription-metrics';
import { tracedBus } from '../../shared/telemetry/traced-bus';
import { tracingEnabled } from '../../shared/telemetry/tracing';
import type { Runtime } from './runtime';

/** The Kafka bus when KAFKA_BROKERS is set; the caller closes it after the relay stopped. */
export function busFor(config: Pick<Config, 'KAFKA_BROKERS'>): Bus | undefined {
  const brokers = parseBrokers((config.KAFKA_BROKERS ?? []).join(','));
  if (brokers.length === 0) return undefined;
  const kafka = new KafkaBus({ brokers, clientId: 'mini-tng' });
  // Spans around publish and receive, when tracing is on (docs/operations.md "Traces").
  return tracingEnabled() ? tracedBus(kafka, 'kafka') : kafka;
}

/** Where our own consumers (notifications, fraud hints) read integration messages from. */
export function integrationFeedFor(runtime: Runtime, bus: Bus | undefined): IntegrationFeed {
  if (bus) return busFeed(bus);
  const { pool, store, logger, metrics } = runtime;
  return eventLogFeed({ pool, store, logger, onProgress: reportSubscriberProgress(metrics) });
}
