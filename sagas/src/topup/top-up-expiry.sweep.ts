// One sweep of the top-up timeout: the top-ups still open `expirySeconds` after they were
// requested (the saga's own table, database clock) get TopUpExpired, decided by the saga's
// pure nextAction (an `Expire` with no Stripe event), so one that Stripe settled in the
// meantime gets nothing. Appended at the saga's expected version with an event id derived
// from the top-up, so a second sweeper or a retry is a no-op. A conflict (a webhook landed
// at the same moment) is left to the next sweep. Bounded: `batchSizeMax` top-ups a sweep.
import type { Pool } from 'pg';
import type { AggregateRepository } from '../../../shared/aggregates/aggregate-repository';
import { deterministicUuid } from '../../../shared/domain/deterministic-uuid';
import { encodeDomainEvent } from '../../../shared/domain/event-codec';
import { topUpStreamId, type TopUpEvent } from '../../../shared/domain/topup/topup.events';
import { nextAction, type TopUpState } from '../../../shared/domain/topup/topup.saga';
import { VersionConflict, type EventStore } from '../../../shared/ports/event-store.port';
import type { Logger } from '../../../shared/telemetry/logger';
import type { Metrics } from '../../../shared/telemetry/metrics';

export type TopUpSweepDeps = Readonly<{
  pool: Pick<Pool, 'query'>;
  store: EventStore;
  topUps: AggregateRepository<TopUpState, TopUpEvent>;
  logger: Pick<Logger, 'info' | 'warn'>;
  metrics: Pick<Metrics, 'topUps' | 'eventsAppended' | 'versionConflicts'>;
  expirySeconds: number;
  batchSizeMax: number;
}>;

export async function sweepExpiredTopUps(deps: TopUpSweepDeps): Promise<number> {
  const due = await deps.pool.query<{ top_up_id: string; database_now: Date }>(
    `select top_up_id, now() as database_now from saga_topup_open
      where requested_at <= now() - make_interval(secs => $1)
      order by requested_at, top_up_id limit $2`,
    [deps.expirySeconds, deps.batchSizeMax],
  );
  let expired = 0;
  for (const row of due.rows) {
    try {
      if (await expireTopUp(deps, row.top_up_id, row.database_now)) expired += 1;
    } catch (error) {
      deps.logger.warn({ err: error, topUpId: row.top_up_id }, 'top-up expiry failed');
    }
  }
  if (expired > 0) deps.logger.info({ expired }, 'top-ups expired by the local timeout');
  return expired;
}

async function expireTopUp(deps: TopUpSweepDeps, topUpId: string, now: Date): Promise<boolean> {
  const saga = await deps.topUps.load(topUpId);
  if (saga.state.status === 'absent') return false;
  const events = nextAction({ type: 'Expire', now }, saga.state);
  if (events.length === 0) return false;
  const metadata = { occurredAt: now.toISOString(), actorId: 'topup-expiry' };
  const newEvents = events.map((event, index) => ({
    eventId: deterministicUuid(`topup-timeout:${topUpId}:${index}`),
    ...encodeDomainEvent(event),
    metadata,
  }));
  try {
    const streamId = topUpStreamId(saga.state.topUpId);
    const result = await deps.store.append({
      streams: [{ streamId, expectedVersion: saga.version, events: newEvents }],
    });
    if (!result.position) return false;
  } catch (error) {
    if (!(error instanceof VersionConflict)) throw error;
    deps.metrics.versionConflicts.inc({ command: 'expire_top_up' });
    return false;
  }
  deps.metrics.topUps.inc({ outcome: 'expired' });
  deps.metrics.eventsAppended.inc({ type: 'TopUpExpired' });
  return true;
}
