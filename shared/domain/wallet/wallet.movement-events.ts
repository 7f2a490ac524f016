// Builds the two halves of a movement: the debit of the source and the credit of the
// target, always for the same amount and currency (double entry). Every decider that moves
// money goes through here, so the pairing cannot drift between transfers, payments,
// captures, adjustments and top-ups.
import { assert } from '../../errors/assert';
import type { Money } from '../money/money';
import type { HoldId, MovementId } from '../ids';
import type { MovementKind, WalletCredited, WalletDebited } from './wallet.events';
import type { OpenedWallet } from './wallet.state';

export type MovementSpec = Readonly<{
  movementId: MovementId;
  movementKind: MovementKind;
  source: OpenedWallet;
  target: OpenedWallet;
  amount: Money;
  note?: string;
  reference?: string;
  holdId?: HoldId;
  now: Date;
}>;

export type MovementPair = Readonly<{ debit: WalletDebited; credit: WalletCredited }>;

export function movementEvents(spec: MovementSpec): MovementPair {
  const { movementId, movementKind, source, target, amount, note, reference, holdId } = spec;
  assert(source.walletId !== target.walletId, 'a movement has two sides');
  assert(source.currency === amount.currency, 'the source holds the currency moved');
  assert(target.currency === amount.currency, 'the target holds the currency moved');
  assert(amount.amountMinor > 0n, 'a movement moves a positive amount');
  const shared = {
    movementId,
    movementKind,
    currency: amount.currency,
    amountMinor: amount.amountMinor,
    note,
    reference,
    holdId,
    occurredAt: spec.now.toISOString(),
  };
  return {
    debit: {
      type: 'WalletDebited',
      data: { walletId: source.walletId, counterpartyWalletId: target.walletId, ...shared },
    },
    credit: {
      type: 'WalletCredited',
      data: { walletId: target.walletId, counterpartyWalletId: source.walletId, ...shared },
    },
  };
}
