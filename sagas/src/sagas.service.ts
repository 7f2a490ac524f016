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
import { startTopUpExpiry } from './topup/top-up-expiry.process';

export type SagasDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Logger;
  metrics: Metrics;
  holdExpiry: Readonly<{ intervalMs: number; batchSizeMax: number }>;
  topUpExpiry: Readonly<{ intervalMs: number; expirySeconds: number }>;
}>;

export function startSagas(deps: SagasDeps): { stop(): Promise<void> } {
  const holdExpiry = startHoldExpiry({ ...deps, ...deps.holdExpiry });
  const topUpExpiry = startTopUpExpiry({ ...deps, ...deps.topUpExpiry });
  deps.logger.info({ processes: ['hold-expiry', 'topup-expiry'] }, 'sagas started');
  return {
    stop: async () => {
      await Promise.all([holdExpiry.stop(), topUpExpiry.stop()]);
    },
  };
}
