// Goal: every money event lands on its DESIGN topic keyed by its wallet, with money as digit
// strings and the trace context carried; events that move no money stay off the bus.
import { holdId, movementId, userId, walletId } from '../domain/ids';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import type { UserEvent } from '../domain/user/user.events';
import { ALL_TOPICS, integrationMessageOf, topicOf, TOPICS } from './topics';

const wallet = walletId('w-1');
const other = walletId('w-2');
const occurredAt = '2026-12-03T12:00:00.000Z';

const movement = (type: 'WalletDebited' | 'WalletCredited', movementKind: 'transfer' | 'payment' | 'top_up' | 'hold_capture' | 'adjustment') =>
  ({
    type,
    data: {
      walletId: wallet, movementId: movementId('m-1'), movementKind, currency: 'MYR',
      amountMinor: 1050n, counterpartyWalletId: other, note: undefined, occurredAt,
    },
  }) as WalletEvent;

const rejected = (movementKind: 'transfer' | 'payment') =>
  ({
    type: 'TransferRejected',
    data: {
      walletId: wallet, movementId: movementId('m-2'), movementKind, code: 'insufficient_funds',
      currency: 'MYR', amountMinor: 99_999n, counterpartyWalletId: other, occurredAt,
    },
  }) as WalletEvent;

describe('topicOf', () => {
  test.each([
    ['WalletDebited', 'transfer', TOPICS.transactionSuccess],
    ['WalletCredited', 'hold_capture', TOPICS.transactionSuccess],
    ['WalletCredited', 'adjustment', TOPICS.transactionSuccess],
    ['WalletDebited', 'payment', TOPICS.paymentSuccess],
    ['WalletCredited', 'top_up', TOPICS.paymentSuccess],
  ] as const)('%s of a %s goes to %s', (type, kind, topic) => {
    expect(topicOf(movement(type, kind))).toBe(topic);
  });

  test('rejections go to the failed topic of their kind', () => {
    expect(topicOf(rejected('transfer'))).toBe(TOPICS.transactionFailed);
    expect(topicOf(rejected('payment'))).toBe(TOPICS.paymentFailed);
  });

  test('a placed hold opens a transaction', () => {
    const placed = {
      type: 'HoldPlaced',
      data: { walletId: wallet, holdId: holdId('h-1'), currency: 'MYR', amountMinor: 500n,
        reason: 'taxi', expiresAt: occurredAt, placedAt: occurredAt },
    } as WalletEvent;
    expect(topicOf(placed)).toBe(TOPICS.transactionCreated);
  });

  test('events that move no money, and user events, stay off the bus', () => {
    const frozen = { type: 'WalletFrozen', data: { walletId: wallet, reason: 'fraud' } } as WalletEvent;
    const plan = { type: 'UserPlanChanged',
      data: { userId: userId('u-1'), plan: 'PREMIUM', reason: 'operator' } } as UserEvent;
    expect(topicOf(frozen)).toBeNull();
    expect(integrationMessageOf({ eventId: 'e-0', event: plan })).toBeNull();
  });

  test('every topic of the design is reachable', () => {
    expect([...ALL_TOPICS].sort()).toEqual([
      'fraud-suspected', 'payment-failed', 'payment-success', 'plan-changed',
      'transaction-created', 'transaction-failed', 'transaction-success',
    ]);
  });
});

describe('integrationMessageOf', () => {
  test('keys by wallet, carries ids and trace context, money as digit strings', () => {
    const message = integrationMessageOf({
      eventId: 'e-1', event: movement('WalletDebited', 'transfer'),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(message).toEqual({
      topic: 'transaction-success',
      key: 'w-1',
      eventId: 'e-1',
      type: 'WalletDebited',
      payload: {
        walletId: 'w-1', movementId: 'm-1', movementKind: 'transfer', currency: 'MYR',
        amountMinor: '1050', counterpartyWalletId: 'w-2', occurredAt,
      },
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    // JSON-safe: no bigint, no undefined survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(message!.payload))).toEqual(message!.payload);
  });

  test('no trace context means no traceparent header', () => {
    expect(integrationMessageOf({ eventId: 'e-2', event: rejected('payment') })!.headers).toEqual({});
  });
});
