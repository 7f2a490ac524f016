// Goal: a top-up's row reads pending until the wallet is credited (completed), or failed or
// expired; a paid but uncredited top-up is still pending.
import { topUpId } from '../../../shared/domain/topup/topup.events';
import type { TopUpEvent } from '../../../shared/domain/topup/topup.events';
import { movementId, walletId } from '../../../shared/domain/ids';
import { projectTopUp, type ProjectedTopUp } from './top-ups.projection';

const ID = topUpId('tu-1');
const AT = new Date('2026-12-03T10:00:00Z');
const at = AT.toISOString();
const requested: TopUpEvent = {
  type: 'TopUpRequested',
  data: { topUpId: ID, walletId: walletId('w-1'), currency: 'MYR', amountMinor: 700n, requestedAt: at },
};
const fold = (...events: TopUpEvent[]) =>
  events.reduce<ProjectedTopUp | null>(
    (row, event, index) => projectTopUp(row, event, BigInt(index + 1), AT),
    null,
  );

test('requested, session, paid: pending; credited: completed', () => {
  const session: TopUpEvent = {
    type: 'CheckoutSessionCreated', data: { topUpId: ID, checkoutSessionId: 'cs_1', checkoutUrl: 'https://x.test/', createdAt: at },
  };
  const paid: TopUpEvent = { type: 'TopUpSucceeded', data: { topUpId: ID, stripeEventId: 'evt_1', succeededAt: at } };
  const credited: TopUpEvent = { type: 'TopUpCredited', data: { topUpId: ID, movementId: movementId('tu-1'), creditedAt: at } };
  expect(fold(requested, session, paid)).toMatchObject({ status: 'pending', amount: 700n, version: 3n });
  expect(fold(requested, session, paid, credited)).toMatchObject({ status: 'completed', version: 4n });
});

test('failed and expired are final statuses', () => {
  const failed: TopUpEvent = { type: 'TopUpFailed', data: { topUpId: ID, stripeEventId: 'evt_2', failedAt: at } };
  const expired: TopUpEvent = { type: 'TopUpExpired', data: { topUpId: ID, expiredAt: at } };
  expect(fold(requested, failed)?.status).toBe('failed');
  expect(fold(requested, expired)?.status).toBe('expired');
});
