// Test support: many wallets folded from one flat list of wallet events (every wallet event
// names its wallet), so the two-wallet deciders can be tested given/when/then, and the
// property tests can apply accepted events to every affected wallet.
import type { Money } from '../money/money';
import type { WalletId } from '../ids';
import { captureHold } from '../wallet/capture-hold.decider';
import { payment, transfer } from '../wallet/movement.decider';
import { adjustment, topUp } from '../wallet/system-movement.decider';
import type {
  AdjustBalance,
  CaptureHold,
  CreditTopUp,
  MovementEvents,
  PayMerchant,
  SystemMovementEvents,
  TransferMoney,
} from '../wallet/wallet.commands';
import type { WalletEvent } from '../wallet/wallet.events';
import { evolveWallet } from '../wallet/wallet.evolve';
import { initialWalletState, type WalletState } from '../wallet/wallet.state';
import { systemWalletId } from '../wallet/wallet.streams';
import type { SpecDecider } from './spec';

export type Ledger = ReadonlyMap<WalletId, WalletState>;

export const walletIn = (ledger: Ledger, walletId: WalletId): WalletState =>
  ledger.get(walletId) ?? initialWalletState();

const walletsIn = (ledger: Ledger, first: WalletId, second: WalletId) =>
  [walletIn(ledger, first), walletIn(ledger, second)] as const;

export const evolveLedger = (ledger: Ledger, event: WalletEvent): Ledger => {
  const { walletId } = event.data;
  return new Map(ledger).set(walletId, evolveWallet(walletIn(ledger, walletId), event));
};

export const applyAll = (ledger: Ledger, events: readonly WalletEvent[]): Ledger =>
  events.reduce(evolveLedger, ledger);

const ledgerDecider = <Command, Result>(
  decide: (command: Command, ledger: Ledger) => Result,
): SpecDecider<Command, WalletEvent, Ledger, Result> => ({
  decide,
  evolve: evolveLedger,
  initialState: () => new Map(),
});

export const transferDecider = ledgerDecider((command: TransferMoney, ledger): MovementEvents =>
  transfer(command, ...walletsIn(ledger, command.sourceWalletId, command.targetWalletId)),
);
export const paymentDecider = ledgerDecider((command: PayMerchant, ledger): MovementEvents =>
  payment(command, ...walletsIn(ledger, command.sourceWalletId, command.targetWalletId)),
);
export const captureDecider = ledgerDecider((command: CaptureHold, ledger): MovementEvents =>
  captureHold(command, ...walletsIn(ledger, command.walletId, command.targetWalletId)),
);

const systemFor = (account: 'adjustments' | 'stripe_clearing', amount: Money) =>
  systemWalletId(account, amount.currency);

export const adjustmentDecider = ledgerDecider(
  (command: AdjustBalance, ledger): SystemMovementEvents =>
    adjustment(
      command,
      ...walletsIn(ledger, command.walletId, systemFor('adjustments', command.amount)),
    ),
);
export const topUpDecider = ledgerDecider((command: CreditTopUp, ledger): SystemMovementEvents =>
  topUp(
    command,
    ...walletsIn(ledger, command.walletId, systemFor('stripe_clearing', command.amount)),
  ),
);
