// The hold-expiry process of the sagas service: a sweep every `intervalMs`
// (HOLD_EXPIRY_INTERVAL_MS, bounded by the config schema). Any number may run, in one process or
// many: sweeps are idempotent (see expire-wallet-holds.ts), so a second sweeper only costs
// reads. It appends the outcome (HoldExpired) to the wallet stream it acts on; it needs no
// stream of its own because its only state is the read model's list of overdue holds.
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { startPeriodicTask, type PeriodicTask } from '../../../shared/concurrency/periodic-task';
import type { Logger } from '../../../shared/telemetry/logger';
import { sweepExpiredHolds, type SweepDeps } from './hold-expiry.sweep';

export type HoldExpiryDeps = Omit<SweepDeps, 'wallets' | 'logger'> &
  Readonly<{ logger: Pick<Logger, 'info' | 'warn' | 'error'>; intervalMs: number }>;

export function startHoldExpiry(deps: HoldExpiryDeps): PeriodicTask {
  // Its own repository: the cache of wallet states is per process and only saves reads.
  const wallets = createWalletRepository(deps.store);
  return startPeriodicTask({
    name: 'hold-expiry',
    intervalMs: deps.intervalMs,
    log: deps.logger,
    run: async () => {
      await sweepExpiredHolds({ ...deps, wallets });
    },
  });
}
