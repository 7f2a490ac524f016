// Goal: opening (idempotent, consistent), freezing, unfreezing and closing wallets, with
// every rejection code and each decider's precedence.
import { userId, walletId } from '../ids';
import { spec } from '../testing/spec';
import {
  ADJUSTMENTS_MYR,
  ALICE,
  closed,
  credited,
  frozen,
  holdPlacedOn,
  myr,
  opened,
  systemOpened,
} from '../testing/wallet-fixtures';
import type { OpenWallet, WalletCommand } from './wallet.commands';
import { walletDecider } from './wallet.decider';

const openAlice = (overrides: Partial<OpenWallet> = {}): OpenWallet => ({
  type: 'OpenWallet',
  walletId: ALICE,
  ownerId: userId('u-w-alice'),
  kind: 'user',
  currency: 'MYR',
  ...overrides,
});
const openSystem: OpenWallet = {
  type: 'OpenWallet',
  walletId: ADJUSTMENTS_MYR,
  ownerId: null,
  kind: 'system',
  currency: 'MYR',
  systemAccount: 'adjustments',
};
const freeze: WalletCommand = { type: 'FreezeWallet', walletId: ALICE, reason: 'fraud review' };
const unfreeze: WalletCommand = { type: 'UnfreezeWallet', walletId: ALICE };
const close: WalletCommand = { type: 'CloseWallet', walletId: ALICE, reason: 'customer request' };

describe('openWallet', () => {
  test('opens a user wallet', () =>
    spec(walletDecider)([])
      .when(openAlice())
      .then([opened(ALICE)]));

  test('opens a system account under its fixed id', () =>
    spec(walletDecider)([])
      .when(openSystem)
      .then([systemOpened('adjustments', 'MYR')]));

  test('returns no events when the same wallet is opened again', () => {
    spec(walletDecider)([opened(ALICE)])
      .when(openAlice())
      .then([]);
    spec(walletDecider)([systemOpened('adjustments', 'MYR')])
      .when(openSystem)
      .then([]);
  });

  test('refuses to reopen a wallet id with other attributes', () =>
    spec(walletDecider)([opened(ALICE)])
      .when(openAlice({ currency: 'JPY' }))
      .thenRejects('already_exists'));

  test('treats inconsistent kind, owner and account as a caller bug', () => {
    spec(walletDecider)([])
      .when(openAlice({ kind: 'system' }))
      .thenViolatesInvariant();
    spec(walletDecider)([])
      .when({ ...openSystem, ownerId: userId('u-1') })
      .thenViolatesInvariant();
    spec(walletDecider)([])
      .when({ ...openSystem, walletId: walletId('system-adjustments-JPY') })
      .thenViolatesInvariant();
  });
});

describe('freezeWallet and unfreezeWallet', () => {
  test('freezes an active wallet, and unfreezes a frozen one', () => {
    spec(walletDecider)([opened(ALICE)])
      .when(freeze)
      .then([{ type: 'WalletFrozen', data: { walletId: ALICE, reason: 'fraud review' } }]);
    spec(walletDecider)([opened(ALICE), frozen(ALICE)])
      .when(unfreeze)
      .then([{ type: 'WalletUnfrozen', data: { walletId: ALICE } }]);
  });

  test('returns no events when already in the asked state', () => {
    spec(walletDecider)([opened(ALICE), frozen(ALICE)])
      .when(freeze)
      .then([]);
    spec(walletDecider)([opened(ALICE)])
      .when(unfreeze)
      .then([]);
  });

  test('precedence: not_found > wallet_closed > already in that state', () => {
    spec(walletDecider)([]).when(freeze).thenRejects('not_found');
    spec(walletDecider)([opened(ALICE), closed(ALICE)])
      .when(freeze)
      .thenRejects('wallet_closed');
    spec(walletDecider)([]).when(unfreeze).thenRejects('not_found');
    spec(walletDecider)([opened(ALICE), closed(ALICE)])
      .when(unfreeze)
      .thenRejects('wallet_closed');
  });

  test('never freezes a system account', () =>
    spec(walletDecider)([systemOpened('adjustments', 'MYR')])
      .when({ type: 'FreezeWallet', walletId: ADJUSTMENTS_MYR, reason: 'no' })
      .thenRejects('not_found'));
});

describe('closeWallet', () => {
  test('closes an empty wallet, even a frozen one', () => {
    spec(walletDecider)([opened(ALICE)])
      .when(close)
      .then([closed(ALICE)]);
    spec(walletDecider)([opened(ALICE), frozen(ALICE)])
      .when(close)
      .then([closed(ALICE)]);
  });

  test('precedence: not_found > already closed (no events) > wallet_not_empty', () => {
    spec(walletDecider)([]).when(close).thenRejects('not_found');
    spec(walletDecider)([opened(ALICE), closed(ALICE)])
      .when(close)
      .then([]);
    spec(walletDecider)([opened(ALICE), credited(ALICE, myr(1n))])
      .when(close)
      .thenRejects('wallet_not_empty');
  });

  test('refuses to close a wallet with an active hold', () => {
    const given = [opened(ALICE), credited(ALICE, myr(1n)), holdPlacedOn(ALICE, myr(1n))];
    spec(walletDecider)(given).when(close).thenRejects('wallet_not_empty');
  });
});
