// Goal: every money event lands on its topic keyed by its wallet, a plan change on
// plan-changed keyed by its user, with money as digit strings and the trace context carried;
// events that move no money stay off the bus; and TOPIC_EVENT_TYPES says exactly what topicOf
// does.
import { holdId, movementId, userId, walletId } from '../domain/ids';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import type { UserEvent } from '../domain/user/user.events';
import { walletEventDefinitions } from '../domain/wallet/wallet.events';
import { userEventDefinitions } from '../domain/user/user.events';
import { aPlanChanged, aWalletId, everyIntegrationEvent } from '../testing/integration-events';
import {
  ALL_TOPICS, eventTypesOf, INTEGRATION_EVENT_TYPES, integrationMessageOf, topicOf, TOPICS,
  TOPIC_EVENT_TYPES, type Topic,
} from './topics';

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

  test('events that move no money, and other user events, stay off the bus', () => {
    const frozen = { type: 'WalletFrozen', data: { walletId: wallet, reason: 'fraud' } } as WalletEvent;
    const granted = { type: 'UserRoleGranted',
      data: { userId: userId('u-1'), role: 'merchant' } } as UserEvent;
    expect(topicOf(frozen)).toBeNull();
    expect(integrationMessageOf({ eventId: 'e-0', event: granted })).toBeNull();
  });

  test('a plan change goes to plan-changed', () => {
    expect(topicOf(aPlanChanged())).toBe(TOPICS.planChanged);
  });

  test('the topics, fraud-suspected included', () => {
    expect([...ALL_TOPICS].sort()).toEqual([
      'fraud-suspected', 'payment-failed', 'payment-success', 'plan-changed',
      'transaction-created', 'transaction-failed', 'transaction-success',
    ]);
  });
});

describe('TOPIC_EVENT_TYPES', () => {
  const routes = (events: ReturnType<typeof everyIntegrationEvent>) =>
    new Set(events.map((event) => `${topicOf(event)} ${event.type}`));

  test('lists exactly the (topic, type) pairs topicOf gives, in every movement kind', () => {
    const produced = routes(everyIntegrationEvent(aWalletId()));
    const listed = new Set(Object.entries(TOPIC_EVENT_TYPES)
      .flatMap(([topic, types]) => types.map((type) => `${topic} ${type}`)));
    expect([...produced].sort()).toEqual([...listed].sort());
  });

  test('no event type outside it goes on the bus', () => {
    const all = [...walletEventDefinitions, ...userEventDefinitions].map((d) => d.type);
    const offBus = all.filter((type) => !INTEGRATION_EVENT_TYPES.includes(type));
    expect(offBus).toEqual(expect.arrayContaining(['WalletOpened', 'HoldCaptured', 'WalletFrozen',
      'UserRegistered']));
    expect(INTEGRATION_EVENT_TYPES).not.toContain('HoldCaptured');
  });

  test('eventTypesOf gives each type once and ignores unknown topics', () => {
    const topics: Topic[] = [TOPICS.transactionSuccess, TOPICS.paymentSuccess];
    expect(eventTypesOf(topics)).toEqual(['WalletDebited', 'WalletCredited']);
    expect(eventTypesOf(['no-such-topic', TOPICS.fraudSuspected])).toEqual(['FraudSuspected']);
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

  test('a plan change is keyed by its user', () => {
    const message = integrationMessageOf({ eventId: 'e-3', event: aPlanChanged('u-7') });
    expect(message).toMatchObject({ topic: 'plan-changed', key: 'u-7', type: 'UserPlanChanged',
      payload: { userId: 'u-7', plan: 'PREMIUM', reason: 'subscription_created' } });
  });

  test('no trace context means no traceparent header', () => {
    expect(integrationMessageOf({ eventId: 'e-2', event: rejected('payment') })!.headers).toEqual({});
  });
});
