// Goal: integration messages decode with the event log's own schemas (money back to bigint),
// types the saga does not mail about decode to null, and a payload that breaks its schema is
// refused by name rather than half-rendered.
import { MalformedNotificationMessage, notificationSourceOf } from './notification-source';

const message = (type: string, payload: Record<string, unknown>) => ({
  topic: 'transaction-success', key: 'w-1', eventId: 'e-1', type,
  payload: payload as Record<string, string>, headers: {},
});

const debit = {
  walletId: 'w-1', movementId: 'm-1', movementKind: 'transfer', currency: 'MYR',
  amountMinor: '12345', counterpartyWalletId: 'w-2', occurredAt: '2026-12-03T10:00:00.000Z',
};

test('a debit decodes with bigint money', () => {
  expect(notificationSourceOf(message('WalletDebited', debit))).toEqual({
    type: 'WalletDebited', data: { ...debit, amountMinor: 12_345n },
  });
});

test('hold placements and unknown types mail nobody', () => {
  expect(notificationSourceOf(message('HoldPlaced', {}))).toBeNull();
  expect(notificationSourceOf(message('SomethingNew', {}))).toBeNull();
});

test('a payload that breaks its schema is refused, naming the field', () => {
  const broken = message('WalletDebited', { ...debit, amountMinor: 12.5 });
  expect(() => notificationSourceOf(broken)).toThrow(MalformedNotificationMessage);
  expect(() => notificationSourceOf(broken)).toThrow(/amountMinor/);
});

test('a fraud hint decodes against its announced payload', () => {
  const hint = { walletId: 'w-1', hintId: 'h-1', rules: ['velocity'], summary: 's',
    detectedAt: '2026-12-03T10:00:00.000Z' };
  expect(notificationSourceOf(message('FraudSuspected', hint))).toEqual({
    type: 'FraudSuspected', data: hint,
  });
});
