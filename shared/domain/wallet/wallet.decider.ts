// The decider of the commands that touch one wallet stream. Commands that touch two wallets
// (transfer, payment, captureHold, adjustment, topUp) take both states and live in their own
// files; they share this evolve and initial state.
import { assert, assertNever } from '../../errors/assert';
import type { Decider } from '../decider';
import { expireHolds, placeHold, releaseHold } from './hold.decider';
import type { WalletCommand } from './wallet.commands';
import { evolveWallet } from './wallet.evolve';
import type { WalletEvent } from './wallet.events';
import { closeWallet, freezeWallet, openWallet, unfreezeWallet } from './wallet-lifecycle.decider';
import { initialWalletState, type WalletState } from './wallet.state';

export function decideWallet(command: WalletCommand, state: WalletState): WalletEvent[] {
  switch (command.type) {
    case 'OpenWallet':
      return openWallet(command, state);
    case 'CloseWallet':
      return closeWallet(command, state);
    case 'FreezeWallet':
      return freezeWallet(command, state);
    case 'UnfreezeWallet':
      return unfreezeWallet(command, state);
    case 'PlaceHold':
      return placeHold(command, state);
    case 'ReleaseHold':
      return releaseHold(command, state);
    case 'ExpireHolds':
      if (state.status !== 'absent') assert(state.walletId === command.walletId, 'own state');
      return expireHolds(state, command.now);
    default:
      return assertNever(command);
  }
}

export const walletDecider: Decider<WalletCommand, WalletEvent, WalletState> = Object.freeze({
  decide: decideWallet,
  evolve: evolveWallet,
  initialState: initialWalletState,
});
