// Goal: stream ids and system account ids are fixed, and map back to their ids.
import { userId, walletId } from '../ids';
import { userIdOfStream, userStreamId } from '../user/user.streams';
import { systemWalletId, walletIdOfStream, walletStreamId } from './wallet.streams';

test('system accounts have one fixed id per purpose and currency', () => {
  expect(walletStreamId(systemWalletId('adjustments', 'MYR'))).toBe(
    'wallet-system-adjustments-MYR',
  );
  expect(systemWalletId('stripe_clearing', 'JPY')).toBe('system-stripe_clearing-JPY');
});

test('stream ids map back to their aggregate ids, and other streams to null', () => {
  expect(walletIdOfStream(walletStreamId(walletId('w-1')))).toBe('w-1');
  expect(walletIdOfStream('user-u-1')).toBeNull();
  expect(userIdOfStream(userStreamId(userId('u-1')))).toBe('u-1');
  expect(userIdOfStream('wallet-w-1')).toBeNull();
});
