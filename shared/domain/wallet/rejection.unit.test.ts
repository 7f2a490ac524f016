// Goal: business rejections of transfers and payments are recorded on the source wallet,
// and only those: no record without a source stream, none for non-business codes.
import { DomainError } from '../../errors/domain-error';
import { ALICE, BOB, credited, MOVE, myr, NOW, opened, SHOP } from '../testing/wallet-fixtures';
import { transferDecider, walletIn, applyAll } from '../testing/wallet-ledger';
import { payment, transfer } from './movement.decider';
import { rejectionEvent, rejectionEvents } from './rejection';
import type { PayMerchant, TransferMoney } from './wallet.commands';
import { evolveWallet } from './wallet.evolve';

const command: TransferMoney = {
  type: 'TransferMoney',
  movementId: MOVE,
  sourceWalletId: ALICE,
  targetWalletId: BOB,
  amount: myr(9_000n),
  note: 'rent',
  actorPlan: 'FREE',
  targetPlan: 'FREE',
  now: NOW,
};
const rejectedBy = (run: () => unknown): DomainError => {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  return caught as DomainError;
};

test('records an insufficient-funds transfer on the source, as it was asked', () => {
  const ledger = applyAll(transferDecider.initialState(), [
    opened(ALICE),
    credited(ALICE, myr(100n)),
    opened(BOB),
  ]);
  const source = walletIn(ledger, ALICE);
  const error = rejectedBy(() => transfer(command, source, walletIn(ledger, BOB)));
  expect(rejectionEvents(command, error, source)).toEqual([
    {
      type: 'TransferRejected',
      data: {
        walletId: ALICE,
        movementId: MOVE,
        movementKind: 'transfer',
        code: 'insufficient_funds',
        currency: 'MYR',
        amountMinor: 9_000n,
        counterpartyWalletId: BOB,
        note: 'rent',
        occurredAt: NOW.toISOString(),
      },
    },
  ]);
});

test('a recorded rejection changes no balance when folded', () => {
  const ledger = applyAll(transferDecider.initialState(), [
    opened(ALICE),
    credited(ALICE, myr(100n)),
  ]);
  const source = walletIn(ledger, ALICE);
  const event = rejectionEvent(command, new DomainError('insufficient_funds', 'short'));
  expect(evolveWallet(source, event)).toEqual(source);
});

test('records payments as payments, with their reference', () => {
  const pay: PayMerchant = {
    ...command,
    type: 'PayMerchant',
    targetWalletId: SHOP,
    reference: 'order-9',
  };
  const ledger = applyAll(transferDecider.initialState(), [
    opened(ALICE),
    opened(SHOP, { kind: 'merchant' }),
  ]);
  const error = rejectedBy(() => payment(pay, walletIn(ledger, ALICE), walletIn(ledger, SHOP)));
  expect(rejectionEvent(pay, error).data).toEqual(
    expect.objectContaining({
      movementKind: 'payment',
      reference: 'order-9',
      code: 'insufficient_funds',
    }),
  );
});

test('records nothing without a source, or for a code that is not a business rejection', () => {
  const absent = walletIn(new Map(), ALICE);
  expect(rejectionEvents(command, new DomainError('insufficient_funds', 'x'), absent)).toEqual([]);
  const ledger = applyAll(new Map(), [opened(ALICE)]);
  const notFound = new DomainError('not_found', 'target');
  expect(rejectionEvents(command, notFound, walletIn(ledger, ALICE))).toEqual([]);
});
