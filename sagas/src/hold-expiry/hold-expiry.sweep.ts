// One sweep of the hold-expiry process: nominate the wallets with overdue pending holds (the
// saga's own table, database clock), then expire each wallet's due holds from its own stream. One
// wallet's failure is logged and does not stop the others; the next sweep retries it.
// Bounded: at most `batchSizeMax` wallets per sweep, each with at most HOLDS_ACTIVE_MAX holds
// and EXPIRE_ATTEMPTS_MAX attempts.
import type { Pool } from 'pg';
import type { AggregateRepository } from '../../../shared/aggregates/aggregate-repository';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import type { EventStore } from '../../../shared/ports/event-store.port';
import type { Logger } from '../../../shared/telemetry/logger';
import type { Metrics } from '../../../shared/telemetry/metrics';
import { findDueWallets } from './due-wallets.query';
import { expireWalletHolds } from './expire-wallet-holds';

export const HOLD_EXPIRY_COMMAND = 'expire_holds';

export type SweepDeps = Readonly<{
  pool: Pick<Pool, 'query'>;
  store: EventStore;
  wallets: AggregateRepository<WalletState, WalletEvent>;
  logger: Pick<Logger, 'info' | 'warn'>;
  metrics: Pick<Metrics, 'holdsExpired' | 'eventsAppended' | 'versionConflicts'>;
  batchSizeMax: number;
}>;

export type SweepResult = Readonly<{
  walletsDue: number;
  holdsExpired: number;
  walletsFailed: number;
}>;

export async function sweepExpiredHolds(deps: SweepDeps): Promise<SweepResult> {
  const due = await findDueWallets(deps.pool, deps.batchSizeMax);
  const onConflict = () => deps.metrics.versionConflicts.inc({ command: HOLD_EXPIRY_COMMAND });
  let holdsExpired = 0;
  let walletsFailed = 0;
  for (const walletId of due.walletIds) {
    try {
      const expired = await expireWalletHolds({ ...deps, onConflict }, walletId, due.databaseNow);
      holdsExpired += expired;
      if (expired > 0) {
        deps.metrics.holdsExpired.inc(expired);
        deps.metrics.eventsAppended.inc({ type: 'HoldExpired' }, expired);
      }
    } catch (error) {
      walletsFailed += 1;
      deps.logger.warn({ err: error, walletId }, 'hold expiry failed for a wallet');
    }
  }
  const result = { walletsDue: due.walletIds.length, holdsExpired, walletsFailed };
  if (holdsExpired > 0 || walletsFailed > 0) {
    deps.logger.info(
      { ...result, databaseNow: due.databaseNow.toISOString() },
      'hold expiry sweep',
    );
  }
  return result;
}
