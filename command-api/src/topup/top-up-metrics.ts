// tng_topups_total from the saga events a decision appends: completed when the wallet is
// credited, failed, expired (requested is counted by the request route).
import type { TopUpEvent } from '../../../shared/domain/topup/topup.events';
import type { Metrics } from '../../../shared/telemetry/metrics';

export function countTopUpOutcomes(metrics: Pick<Metrics, 'topUps'>, events: readonly TopUpEvent[]): void {
  for (const event of events) {
    if (event.type === 'TopUpCredited') metrics.topUps.inc({ outcome: 'completed' });
    if (event.type === 'TopUpFailed') metrics.topUps.inc({ outcome: 'failed' });
    if (event.type === 'TopUpExpired') metrics.topUps.inc({ outcome: 'expired' });
  }
}
