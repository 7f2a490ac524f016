// The hold-expiry process of the sagas service, in two parts:
// - a subscription (pending-holds.subscriber.ts) that keeps the saga's table of pending holds
//   from the event log, through the shared subscription runner;
// - a sweep every `intervalMs` (HOLD_EXPIRY_INTERVAL_MS, bounded by the config schema) that
//   expires the due ones from their wallets' streams.
// Any number may run, in one process or many: the subscription's checkpoint lock lets one
// runner at a time apply a batch, and sweeps are idempotent (see expire-wallet-holds.ts), so
// a second sweeper only costs reads. It appends the outcome (HoldExpired) to the wallet stream
// it acts on; it needs no stream of its own because its only state is the pending holds.
import type { Pool } from 'pg';
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { startPeriodicTask } from '../../../shared/concurrency/periodic-task';
import { reportSubscriberProgress } from '../../../shared/subscriptions/subscription-metrics';
import { startSubscription } from '../../../shared/subscriptions/subscription-runner';
import type { Logger } from '../../../shared/telemetry/logger';
import type { Metrics } from '../../../shared/telemetry/metrics';
import { pendingHoldsSubscriber } from './pending-holds.subscriber';
import { sweepExpiredHolds, type SweepDeps } from './hold-expiry.sweep';

/** Hold events per subscription batch: a few hundred rows per transaction. */
export const PENDING_HOLDS_BATCH_SIZE_MAX = 500;

export type HoldExpiryDeps = Omit<SweepDeps, 'wallets' | 'logger' | 'pool' | 'metrics'> &
  Readonly<{
    pool: Pool;
    logger: Pick<Logger, 'info' | 'warn' | 'error'>;
    metrics: SweepDeps['metrics'] & Pick<Metrics, 'subscriptionPosition' | 'subscriptionLag'>;
    intervalMs: number;
  }>;

export function startHoldExpiry(deps: HoldExpiryDeps): { stop(): Promise<void> } {
  const subscription = startSubscription(
    {
      ...deps,
      batchSizeMax: PENDING_HOLDS_BATCH_SIZE_MAX,
      onProgress: reportSubscriberProgress(deps.metrics),
    },
    pendingHoldsSubscriber,
  );
  // Its own repository: the cache of wallet states is per process and only saves reads.
  const wallets = createWalletRepository(deps.store);
  const sweeps = startPeriodicTask({
    name: 'hold-expiry',
    intervalMs: deps.intervalMs,
    log: deps.logger,
    run: async () => {
      await sweepExpiredHolds({ ...deps, wallets });
    },
  });
  return {
    stop: async () => {
      await Promise.all([subscription.stop(), sweeps.stop()]);
    },
  };
}
