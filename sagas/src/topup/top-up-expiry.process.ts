// The top-up timeout of the sagas service, like hold expiry: a subscription
// (open-top-ups.subscriber.ts) keeps the saga's table of open top-ups from the log, and a
// sweep every `intervalMs` expires those still open TOPUP_EXPIRY_SECONDS after their request
// (24 h by default, as a Stripe Checkout Session expires). Stripe's own
// `checkout.session.expired` usually comes first; this covers a session that never reaches
// Stripe's expiry on our side (a lost webhook, or the simulator's Cancel).
import type { Pool } from 'pg';
import { createTopUpRepository } from '../../../shared/aggregates/topup.aggregate';
import { startPeriodicTask } from '../../../shared/concurrency/periodic-task';
import type { EventStore } from '../../../shared/ports/event-store.port';
import { reportSubscriberProgress } from '../../../shared/subscriptions/subscription-metrics';
import { startSubscription } from '../../../shared/subscriptions/subscription-runner';
import type { Logger } from '../../../shared/telemetry/logger';
import type { Metrics } from '../../../shared/telemetry/metrics';
import { openTopUpsSubscriber } from './open-top-ups.subscriber';
import { sweepExpiredTopUps } from './top-up-expiry.sweep';

export const OPEN_TOPUPS_BATCH_SIZE_MAX = 500;
export const TOPUP_EXPIRY_SWEEP_SIZE_MAX = 100;

export type TopUpExpiryDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Metrics;
  intervalMs: number;
  expirySeconds: number;
}>;

export function startTopUpExpiry(deps: TopUpExpiryDeps): { stop(): Promise<void> } {
  const subscription = startSubscription(
    {
      ...deps,
      batchSizeMax: OPEN_TOPUPS_BATCH_SIZE_MAX,
      onProgress: reportSubscriberProgress(deps.metrics),
    },
    openTopUpsSubscriber,
  );
  const topUps = createTopUpRepository(deps.store);
  const sweeps = startPeriodicTask({
    name: 'topup-expiry',
    intervalMs: deps.intervalMs,
    log: deps.logger,
    run: async () => {
      await sweepExpiredTopUps({ ...deps, topUps, batchSizeMax: TOPUP_EXPIRY_SWEEP_SIZE_MAX });
    },
  });
  return {
    stop: async () => {
      await Promise.all([subscription.stop(), sweeps.stop()]);
    },
  };
}
