// The sagas service: the background processes that act on the ledger on their own: hold
// expiry, notifications and, with a broker, the Kafka relay; each follows the log (or the
// integration feed) with its own checkpoint. Stopping waits for each process's current
// step, so the pool can close right after.
import type { Pool } from 'pg';
import type { Bus } from '../../shared/ports/bus.port';
import type { EventStore } from '../../shared/ports/event-store.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { startHoldExpiry } from './hold-expiry/hold-expiry.process';
import { startKafkaRelay } from './kafka-relay/kafka-relay.process';
import type { IntegrationFeed } from '../../shared/ports/integration-feed.port';
import type { Mailer } from '../../shared/ports/mailer.port';
import { startNotifications } from './notifications/notifications.process';
import type { RetryPolicy } from './notifications/retry-policy';
import { startFraudHints } from './fraud-hints/fraud-hints.process';
import { startTopUpExpiry } from './topup/top-up-expiry.process';

export type SagasDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Logger;
  metrics: Metrics;
  holdExpiry: Readonly<{ intervalMs: number; batchSizeMax: number }>;
  /** The broker (KAFKA_BROKERS): the Kafka relay runs only when there is one. */
  bus?: Bus;
  /**
   * The notifications saga runs when given a feed of integration messages (the composition
   * root chooses Kafka or the event log) and a mailer; without them it does not run.
   */
  notifications?: Readonly<{ feed: IntegrationFeed; mailer: Mailer; retry: RetryPolicy }>;
  /** FRAUD_AUTO_FREEZE: a fraud hint also freezes the wallet (docs/insights.md). */
  fraudHints?: Readonly<{ autoFreeze: boolean }>;
  topUpExpiry: Readonly<{ intervalMs: number; expirySeconds: number }>;
}>;

export function startSagas(deps: SagasDeps): { stop(): Promise<void> } {
  const holdExpiry = startHoldExpiry({ ...deps, ...deps.holdExpiry });
  // Subscribing is asynchronous; a failure is logged, and stop() still waits for it.
  const notifications = deps.notifications
    ? startNotifications({ ...deps, ...deps.notifications }).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'notifications could not start');
      return null;
    })
    : null;
  const fraudHints = startFraudHints({ ...deps, autoFreeze: deps.fraudHints?.autoFreeze ?? false });
  const topUpExpiry = startTopUpExpiry({ ...deps, ...deps.topUpExpiry });
  const relay = deps.bus ? startKafkaRelay({ ...deps, bus: deps.bus }) : undefined;
  const processes = ['hold-expiry', 'topup-expiry', 'fraud-hints', ...(relay ? ['kafka-relay'] : []),
    ...(notifications ? ['notifications'] : [])];
  deps.logger.info({ processes }, 'sagas started');
  return {
    stop: async () => {
      await Promise.all([holdExpiry.stop(), topUpExpiry.stop(), fraudHints.stop(), relay?.stop(),
        notifications?.then((started) => started?.stop())]);
    },
  };
}
