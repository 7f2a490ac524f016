// The shape of the sagas that act when something falls due (hold expiry, the top-up timeout):
// a subscriber keeps the saga's own table of open items from the event log (with-checkpoint,
// through the shared subscription runner), and a sweep every `intervalMs` acts on the due
// ones. Any number may run, in one process or many: the checkpoint lock lets one runner at a
// time apply a batch, and each sweep decides from the streams it appends to, so a second
// sweeper only costs reads. Stopping waits for the batch and the sweep in flight.
import type { Pool } from 'pg';
import { startPeriodicTask } from '../../shared/concurrency/periodic-task';
import type { EventStore } from '../../shared/ports/event-store.port';
import type { Subscriber } from '../../shared/subscriptions/subscriber';
import { reportSubscriberProgress } from '../../shared/subscriptions/subscription-metrics';
import { startSubscription } from '../../shared/subscriptions/subscription-runner';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';

export type FollowAndSweepDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<Metrics, 'subscriptionPosition' | 'subscriptionLag'>;
  intervalMs: number;
}>;

export function startFollowAndSweep(
  deps: FollowAndSweepDeps,
  saga: Readonly<{
    /** Names the periodic task in logs. */
    name: string;
    subscriber: Subscriber;
    /** Events per subscription batch. */
    batchSizeMax: number;
    sweep: () => Promise<void>;
  }>,
): { stop(): Promise<void> } {
  const onProgress = reportSubscriberProgress(deps.metrics);
  const subscription = startSubscription(
    { ...deps, batchSizeMax: saga.batchSizeMax, onProgress },
    saga.subscriber,
  );
  const sweeps = startPeriodicTask({
    name: saga.name,
    intervalMs: deps.intervalMs,
    log: deps.logger,
    run: saga.sweep,
  });
  return {
    stop: async () => {
      await Promise.all([subscription.stop(), sweeps.stop()]);
    },
  };
}
