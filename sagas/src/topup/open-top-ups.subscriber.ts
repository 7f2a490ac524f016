// The top-up expiry saga's subscription: keeps saga_topup_open (migrations/0011_top_ups.sql),
// the top-ups still waiting for Stripe, from the saga events of the log, in the transaction
// that moves its checkpoint ('with-checkpoint'), so each event counts once.
import type { PoolClient } from 'pg';
import type { InTransactionSubscriber } from '../../../shared/subscriptions/subscriber';
import type { SagaSubscriberName } from '../../../shared/subscriptions/subscriber-names';
import { foldOpenTopUps, TOPUP_SAGA_EVENT_TYPES, type OpenTopUpChanges } from './open-top-ups';

export const TOPUP_EXPIRY_SUBSCRIBER: SagaSubscriberName = 'topup-expiry';

export const openTopUpsSubscriber: InTransactionSubscriber = {
  name: TOPUP_EXPIRY_SUBSCRIBER,
  eventTypes: TOPUP_SAGA_EVENT_TYPES,
  delivery: 'with-checkpoint',
  handle: async (events, client) => {
    await writeOpenTopUps(client, foldOpenTopUps(events));
  },
};

async function writeOpenTopUps(client: PoolClient, changes: OpenTopUpChanges): Promise<void> {
  if (changes.ended.length > 0) {
    await client.query('delete from saga_topup_open where top_up_id = any($1::text[])', [
      changes.ended,
    ]);
  }
  if (changes.started.length === 0) return;
  await client.query(
    `insert into saga_topup_open (top_up_id, requested_at)
     select * from unnest($1::text[], $2::timestamptz[])
     on conflict (top_up_id) do nothing`,
    [
      changes.started.map((open) => open.topUpId),
      changes.started.map((open) => open.requestedAt.toISOString()),
    ],
  );
}
