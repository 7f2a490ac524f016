// Maps a subscription's progress to Prometheus. Projections keep the series operators and the
// docs know (tng_projection_position, tng_projection_lag_events, tng_projector_batch_*,
// labelled `projection`); sagas and relays report tng_subscription_position and
// tng_subscription_lag_events, labelled `subscriber`. Idle steps move the gauges only.
import type { Metrics } from '../telemetry/metrics';
import type { SubscriptionProgress } from './subscription-runner';

type ProjectionMetrics = Pick<
  Metrics,
  'projectionPosition' | 'projectionLag' | 'projectorBatchEvents' | 'projectorBatchDuration'
>;

export function reportProjectionProgress(metrics: ProjectionMetrics) {
  return (progress: SubscriptionProgress): void => {
    const labels = { projection: progress.name };
    if (progress.read > 0) {
      metrics.projectorBatchEvents.observe(labels, progress.read);
      metrics.projectorBatchDuration.observe(labels, progress.seconds);
    }
    metrics.projectionPosition.set(labels, Number(progress.position.globalPosition));
    metrics.projectionLag.set(labels, Number(progress.lagEvents));
  };
}

export function reportSubscriberProgress(
  metrics: Pick<Metrics, 'subscriptionPosition' | 'subscriptionLag'>,
) {
  return (progress: SubscriptionProgress): void => {
    const labels = { subscriber: progress.name };
    metrics.subscriptionPosition.set(labels, Number(progress.position.globalPosition));
    metrics.subscriptionLag.set(labels, Number(progress.lagEvents));
  };
}
