// Goal: the projector's decode that trusts its store gives the same typed events as the full
// codec. A payload the decoding store already upcast is only typed (digits to bigints); one
// at an older version (a store without a codec) still goes through the codec's upcasters.
import {
  decodeUserEvent,
  decodeWalletEvent,
  domainEventCodec,
  encodeDomainEvent,
} from './event-codec';
import walletOpenedV1 from './__fixtures__/wallet-opened.v1.json';
import { movementId, userId, walletId } from './ids';
import type { WalletEvent } from './wallet/wallet.events';
import { userEventOf, walletEventOf } from './decode-stored-event';

const credited: WalletEvent = {
  type: 'WalletCredited',
  data: {
    walletId: walletId('w-1'), movementId: movementId('m-1'), movementKind: 'transfer',
    currency: 'MYR', amountMinor: 1_050n, counterpartyWalletId: walletId('w-2'),
    occurredAt: '2025-03-10T08:00:00.000Z',
  },
};

/** What a store with the domain codec hands the projector. */
const fromDecodingStore = (stored: { type: string; schemaVersion: number; data: unknown }) => ({
  type: stored.type,
  ...domainEventCodec.decode(stored.type, stored.schemaVersion, stored.data),
});

test('a payload the store decoded is typed as the full codec types it', () => {
  const stored = fromDecodingStore(encodeDomainEvent(credited));
  expect(walletEventOf(stored)).toEqual(decodeWalletEvent(stored));
  expect(walletEventOf(stored)).toEqual(credited);
});

test('an older version from a store without a codec is upcast by the codec', () => {
  expect(walletEventOf(walletOpenedV1)).toEqual(decodeWalletEvent(walletOpenedV1));
  expect(walletEventOf(walletOpenedV1).data).toMatchObject({ kind: 'user' });
});

test('user events are typed the same way', () => {
  const granted = encodeDomainEvent({
    type: 'UserRoleGranted', data: { userId: userId('u-1'), role: 'admin' },
  });
  const stored = fromDecodingStore(granted);
  expect(userEventOf(stored)).toEqual(decodeUserEvent(stored));
});

test('an event of another aggregate is refused, not mistyped', () => {
  expect(() => walletEventOf(fromDecodingStore(encodeDomainEvent({
    type: 'UserRoleGranted', data: { userId: userId('u-1'), role: 'admin' },
  })))).toThrow('not a wallet event');
});
