// The fraud-hints process of the sagas service: one subscription (fraud-hints.subscriber.ts)
// through the shared runner, with its own checkpoint. Any number may run: the checkpoint
// lock lets one runner at a time handle a batch, and its appends are idempotent.
import type { Pool } from 'pg';
import type { EventStore } from '../../../shared/ports/event-store.port';
import { reportSubscriberProgress } from '../../../shared/subscriptions/subscription-metrics';
import { startSubscription } from '../../../shared/subscriptions/subscription-runner';
import type { Logger } from '../../../shared/telemetry/logger';
import type { Metrics } from '../../../shared/telemetry/metrics';
import { fraudHintsSubscriber } from './fraud-hints.subscriber';

/** Debits per batch: each wallet in a batch costs one stream read. */
export const FRAUD_HINTS_BATCH_SIZE_MAX = 200;

export type FraudHintsProcessDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<Metrics, 'fraudHints' | 'subscriptionPosition' | 'subscriptionLag'>;
  /** FRAUD_AUTO_FREEZE (docs/insights.md). */
  autoFreeze: boolean;
}>;

export function startFraudHints(deps: FraudHintsProcessDeps): { stop(): Promise<void> } {
  return startSubscription(
    {
      ...deps,
      batchSizeMax: FRAUD_HINTS_BATCH_SIZE_MAX,
      onProgress: reportSubscriberProgress(deps.metrics),
    },
    fraudHintsSubscriber(deps),
  );
}
