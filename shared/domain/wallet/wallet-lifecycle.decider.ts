// Opening, freezing, unfreezing and closing a wallet.
//
// openWallet: a command whose kind, owner and system account disagree is a bug of the
//   caller (asserted). Already opened with the same attributes: returns no events (a
//   retried open, or the start-up bootstrap of system accounts); with other attributes:
//   already_exists.
// freezeWallet precedence: not_found > wallet_closed > already frozen (no events).
// unfreezeWallet precedence: not_found > wallet_closed > not frozen (no events).
// closeWallet precedence: not_found > already closed (no events) > wallet_not_empty (any
//   balance or held amount).
// System accounts count as not found for freeze, unfreeze and close: they must always
// accept the other side of top-ups and adjustments.
import { assert } from '../../errors/assert';
import type { CloseWallet, FreezeWallet, OpenWallet, UnfreezeWallet } from './wallet.commands';
import { walletErrors } from './wallet.errors';
import type { WalletEvent } from './wallet.events';
import { requireCustomerWallet, requireNotClosed } from './wallet.rules';
import type { WalletState } from './wallet.state';
import { systemWalletId } from './wallet.streams';

export function openWallet(command: OpenWallet, state: WalletState): WalletEvent[] {
  const { walletId, ownerId, kind, currency, systemAccount } = command;
  const isSystem = kind === 'system';
  assert(isSystem === (ownerId === null), 'system wallets, and only they, have no owner');
  assert(isSystem === (systemAccount !== undefined), 'only system wallets name an account');
  if (systemAccount !== undefined) {
    assert(walletId === systemWalletId(systemAccount, currency), 'system wallet ids are fixed');
  }
  if (state.status !== 'absent') {
    assert(state.walletId === walletId, 'the state passed is the wallet the command names');
    const same =
      state.ownerId === ownerId &&
      state.kind === kind &&
      state.currency === currency &&
      state.systemAccount === (systemAccount ?? null);
    if (same) return [];
    throw walletErrors.alreadyExists(walletId);
  }
  return [{ type: 'WalletOpened', data: { walletId, ownerId, kind, currency, systemAccount } }];
}

export function freezeWallet(command: FreezeWallet, state: WalletState): WalletEvent[] {
  const wallet = requireCustomerWallet(state, command.walletId);
  requireNotClosed(wallet);
  if (wallet.status === 'frozen') return [];
  return [{ type: 'WalletFrozen', data: { walletId: wallet.walletId, reason: command.reason } }];
}

export function unfreezeWallet(command: UnfreezeWallet, state: WalletState): WalletEvent[] {
  const wallet = requireCustomerWallet(state, command.walletId);
  requireNotClosed(wallet);
  if (wallet.status !== 'frozen') return [];
  return [{ type: 'WalletUnfrozen', data: { walletId: wallet.walletId } }];
}

export function closeWallet(command: CloseWallet, state: WalletState): WalletEvent[] {
  const wallet = requireCustomerWallet(state, command.walletId);
  if (wallet.status === 'closed') return [];
  // Paired with evolve's assertion that a closed wallet holds nothing.
  if (wallet.balanceMinor !== 0n || wallet.heldMinor !== 0n) {
    throw walletErrors.notEmpty(wallet.walletId);
  }
  return [{ type: 'WalletClosed', data: { walletId: wallet.walletId, reason: command.reason } }];
}
