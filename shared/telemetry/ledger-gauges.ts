// The periodic task that keeps the ledger's health gauges current: conservation imbalance per
// currency and projection lag. Started with the projector (the service whose read models it
// measures), every LEDGER_GAUGES_INTERVAL_MS, first at start. Each gauge is refreshed on its
// own, so a failure of one does not leave the other stale.
import type { Pool } from 'pg';
import { startPeriodicTask, type PeriodicTask } from '../concurrency/periodic-task';
import type { EventStore } from '../ports/event-store.port';
import { updateConservationGauge } from './conservation-gauge';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { updateProjectionLagGauge } from './projection-lag-gauge';

export type LedgerGaugesDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  metrics: Metrics;
  logger: Pick<Logger, 'warn' | 'error'>;
  intervalMs: number;
}>;

/** Refreshes both gauges once; what `start` runs each interval (and what tests call). */
export async function refreshLedgerGauges(deps: Omit<LedgerGaugesDeps, 'intervalMs'>) {
  const [conservation, lag] = await Promise.allSettled([
    updateConservationGauge(deps.pool, deps.metrics),
    updateProjectionLagGauge(deps.pool, deps.store, deps.metrics),
  ]);
  if (conservation.status === 'rejected') {
    deps.logger.warn({ err: conservation.reason }, 'conservation gauge not refreshed');
  }
  if (lag.status === 'rejected') {
    deps.logger.warn({ err: lag.reason }, 'projection lag gauge not refreshed');
  }
}

export function startLedgerGauges(deps: LedgerGaugesDeps): PeriodicTask {
  return startPeriodicTask({
    name: 'ledger-gauges',
    intervalMs: deps.intervalMs,
    log: deps.logger,
    run: () => refreshLedgerGauges(deps),
  });
}
