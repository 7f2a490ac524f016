// The hold-expiry saga's subscription: keeps saga_hold_expiry_holds (migrations/
// 0010_hold_expiry_holds.sql), the holds it may have to expire, from the hold events of the
// log, in the transaction that moves its checkpoint ('with-checkpoint'), so each event counts
// once. The sweep (hold-expiry.sweep.ts) reads it; no projector read model is involved.
import type { PoolClient } from 'pg';
import type { InTransactionSubscriber } from '../../../shared/subscriptions/subscriber';
import type { SagaSubscriberName } from '../../../shared/subscriptions/subscriber-names';
import { foldPendingHolds, HOLD_EVENT_TYPES, type PendingHoldChanges } from './pending-holds';

export const HOLD_EXPIRY_SUBSCRIBER: SagaSubscriberName = 'hold-expiry';

export const pendingHoldsSubscriber: InTransactionSubscriber = {
  name: HOLD_EXPIRY_SUBSCRIBER,
  eventTypes: HOLD_EVENT_TYPES,
  delivery: 'with-checkpoint',
  handle: async (events, client) => {
    await writePendingHolds(client, foldPendingHolds(events));
  },
};

async function writePendingHolds(client: PoolClient, changes: PendingHoldChanges): Promise<void> {
  if (changes.ended.length > 0) {
    await client.query('delete from saga_hold_expiry_holds where hold_id = any($1::text[])', [
      changes.ended,
    ]);
  }
  if (changes.started.length === 0) return;
  // A hold id is placed once (its wallet's decider refuses a second) and each event is
  // handled once, so the row is new; should it not be, skipping it beats stalling the saga.
  await client.query(
    `insert into saga_hold_expiry_holds (hold_id, wallet_id, expires_at)
     select * from unnest($1::text[], $2::text[], $3::timestamptz[])
     on conflict (hold_id) do nothing`,
    [
      changes.started.map((hold) => hold.holdId),
      changes.started.map((hold) => hold.walletId),
      changes.started.map((hold) => hold.expiresAt.toISOString()),
    ],
  );
}
