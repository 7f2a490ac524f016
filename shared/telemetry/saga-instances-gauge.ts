// Keeps tng_saga_instances{saga, state} current: how many instances each saga holds, by
// state, read from the sagas' own tables (docs/operations.md, "Watching it"): holds the
// hold-expiry saga watches (`pending`) and those of them already past their expiry (`due`:
// a sweep is behind if this stays above 0), top-ups the top-up saga waits on (`open`), and
// e-mails the notifications saga gave up on (`dead_lettered`, the operators' list). Started
// with the sagas, every LEDGER_GAUGES_INTERVAL_MS. One statement of indexed counts.
import type { Pool } from 'pg';
import { startPeriodicTask, type PeriodicTask } from '../concurrency/periodic-task';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** Every (saga, state) series: each exists at 0 from the start. */
export const SAGA_INSTANCE_STATES = [
  { saga: 'hold_expiry', state: 'pending' },
  { saga: 'hold_expiry', state: 'due' },
  { saga: 'topup_expiry', state: 'open' },
  { saga: 'notifications', state: 'dead_lettered' },
] as const;

type Counts = { pending: string; due: string; open: string; dead_lettered: string };

export async function updateSagaInstancesGauge(
  pool: Pick<Pool, 'query'>,
  metrics: Pick<Metrics, 'sagaInstances'>,
): Promise<void> {
  const { rows } = await pool.query<Counts>(
    `select (select count(*) from saga_hold_expiry_holds)::text as pending,
            (select count(*) from saga_hold_expiry_holds where expires_at <= now())::text as due,
            (select count(*) from saga_topup_open)::text as open,
            (select count(*) from notification_dead_letters)::text as dead_lettered`,
  );
  const counts = rows[0];
  if (!counts) return;
  for (const { saga, state } of SAGA_INSTANCE_STATES) {
    metrics.sagaInstances.set({ saga, state }, Number(counts[state]));
  }
}

export function startSagaInstancesGauge(deps: Readonly<{
  pool: Pool;
  metrics: Metrics;
  logger: Pick<Logger, 'error'>;
  intervalMs: number;
}>): PeriodicTask {
  return startPeriodicTask({
    name: 'saga-instances-gauge',
    intervalMs: deps.intervalMs,
    log: deps.logger,
    run: () => updateSagaInstancesGauge(deps.pool, deps.metrics),
  });
}
