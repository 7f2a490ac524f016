// The top-up timeout of the sagas service, like hold expiry: a subscription
// (open-top-ups.subscriber.ts) keeps the saga's table of open top-ups from the log, and a
// sweep every `intervalMs` expires those still open TOPUP_EXPIRY_SECONDS after their request
// (24 h by default, as a Stripe Checkout Session expires). Stripe's own
// `checkout.session.expired` usually comes first; this covers a session that never reaches
// Stripe's expiry on our side (a lost webhook, or the simulator's Cancel).
import { createTopUpRepository } from '../../../shared/aggregates/topup.aggregate';
import { startFollowAndSweep, type FollowAndSweepDeps } from '../follow-and-sweep';
import { openTopUpsSubscriber } from './open-top-ups.subscriber';
import { sweepExpiredTopUps, type TopUpSweepDeps } from './top-up-expiry.sweep';

export const OPEN_TOPUPS_BATCH_SIZE_MAX = 500;
export const TOPUP_EXPIRY_SWEEP_SIZE_MAX = 100;

export type TopUpExpiryDeps = FollowAndSweepDeps &
  Omit<TopUpSweepDeps, 'topUps' | 'batchSizeMax'>;

export function startTopUpExpiry(deps: TopUpExpiryDeps): { stop(): Promise<void> } {
  const topUps = createTopUpRepository(deps.store);
  return startFollowAndSweep(deps, {
    name: 'topup-expiry',
    subscriber: openTopUpsSubscriber,
    batchSizeMax: OPEN_TOPUPS_BATCH_SIZE_MAX,
    sweep: async () => {
      await sweepExpiredTopUps({ ...deps, topUps, batchSizeMax: TOPUP_EXPIRY_SWEEP_SIZE_MAX });
    },
  });
}
