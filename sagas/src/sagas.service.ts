// The sagas service: the background processes that act on the ledger on their own. For now
// hold expiry; top-ups, plan, notifications, Kafka relay and fraud hints join here, each
// following the log through the shared subscription runner (shared/subscriptions) with its
// own checkpoint. Stopping waits for each process's current step, so the pool can close
// right after.
import type { Pool } from 'pg';
import type { EventStore } from '../../shared/ports/event-store.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { startHoldExpiry } from './hold-expiry/hold-expiry.process';
import type { IntegrationFeed } from '../../shared/ports/integration-feed.port';
import type { Mailer } from '../../shared/ports/mailer.port';
import { startNotifications } from './notifications/notifications.process';
import type { RetryPolicy } from './notifications/retry-policy';

export type SagasDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Logger;
  metrics: Metrics;
  holdExpiry: Readonly<{ intervalMs: number; batchSizeMax: number }>;
  /**
   * The notifications saga runs when given a feed of integration messages (the composition
   * root chooses Kafka or the event log) and a mailer; without them it does not run.
   */
  notifications?: Readonly<{ feed: IntegrationFeed; mailer: Mailer; retry: RetryPolicy }>;
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
  const processes = notifications ? ['hold-expiry', 'notifications'] : ['hold-expiry'];
  deps.logger.info({ processes }, 'sagas started');
  return {
    stop: async () => {
      await Promise.all([holdExpiry.stop(), notifications?.then((started) => started?.stop())]);
    },
  };
}
