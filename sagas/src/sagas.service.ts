// The sagas service: the background processes that act on the ledger on their own. For now
// hold expiry; top-ups, plan, notifications, Kafka relay and fraud hints join here, each
// following the log through the shared subscription runner (shared/subscriptions) with its
// own checkpoint. Stopping waits for each process's current step, so the pool can close
// right after.
import type { Pool } from 'pg';
import type { Bus } from '../../shared/ports/bus.port';
import type { EventStore } from '../../shared/ports/event-store.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import { startHoldExpiry } from './hold-expiry/hold-expiry.process';
import { startKafkaRelay } from './kafka-relay/kafka-relay.process';

export type SagasDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Logger;
  metrics: Metrics;
  holdExpiry: Readonly<{ intervalMs: number; batchSizeMax: number }>;
  /** The broker (KAFKA_BROKERS): the Kafka relay runs only when there is one. */
  bus?: Bus;
}>;

export function startSagas(deps: SagasDeps): { stop(): Promise<void> } {
  const holdExpiry = startHoldExpiry({ ...deps, ...deps.holdExpiry });
  const relay = deps.bus ? startKafkaRelay({ ...deps, bus: deps.bus }) : undefined;
  const processes = ['hold-expiry', ...(relay ? ['kafka-relay'] : [])];
  deps.logger.info({ processes }, 'sagas started');
  return {
    stop: async () => {
      await Promise.all([holdExpiry.stop(), relay?.stop()]);
    },
  };
}
