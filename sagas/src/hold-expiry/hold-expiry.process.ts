// The hold-expiry process of the sagas service (follow-and-sweep.ts): a subscription
// (pending-holds.subscriber.ts) keeps the saga's table of pending holds from the event log,
// and a sweep every `intervalMs` (HOLD_EXPIRY_INTERVAL_MS, bounded by the config schema)
// expires the due ones from their wallets' streams; sweeps are idempotent (see
// expire-wallet-holds.ts). It appends the outcome (HoldExpired) to the wallet stream
// it acts on; it needs no stream of its own because its only state is the pending holds.
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { startFollowAndSweep, type FollowAndSweepDeps } from '../follow-and-sweep';
import { pendingHoldsSubscriber } from './pending-holds.subscriber';
import { sweepExpiredHolds, type SweepDeps } from './hold-expiry.sweep';

/** Hold events per subscription batch: a few hundred rows per transaction. */
export const PENDING_HOLDS_BATCH_SIZE_MAX = 500;

export type HoldExpiryDeps = FollowAndSweepDeps & Omit<SweepDeps, 'wallets'>;

export function startHoldExpiry(deps: HoldExpiryDeps): { stop(): Promise<void> } {
  // Its own repository: the cache of wallet states is per process and only saves reads.
  const wallets = createWalletRepository(deps.store);
  return startFollowAndSweep(deps, {
    name: 'hold-expiry',
    subscriber: pendingHoldsSubscriber,
    batchSizeMax: PENDING_HOLDS_BATCH_SIZE_MAX,
    sweep: async () => {
      await sweepExpiredHolds({ ...deps, wallets });
    },
  });
}
