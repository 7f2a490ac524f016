// Goal: evolve folds balances, holds and the daily outgoing total, and its assertions (the
// read-path half of each paired invariant) fail loudly on a stream that breaks them.
import { InvariantViolation } from '../../errors/assert';
import { holdId, movementId } from '../ids';
import {
  ADJUSTMENTS_MYR,
  ALICE,
  closed,
  credited,
  debited,
  HOLD,
  holdPlacedOn,
  minutesLater,
  myr,
  jpy,
  opened,
  systemOpened,
} from '../testing/wallet-fixtures';
import type { WalletEvent } from './wallet.events';
import { evolveWallet } from './wallet.evolve';
import {
  availableMinor,
  initialWalletState,
  type OpenedWallet,
  type WalletState,
} from './wallet.state';

const fold = (events: readonly WalletEvent[]): WalletState =>
  events.reduce(evolveWallet, initialWalletState());
const openedWallet = (events: readonly WalletEvent[]): OpenedWallet => {
  const state = fold(events);
  if (state.status === 'absent') throw new Error('expected an opened wallet');
  return state;
};

test('balance is credits minus debits; held is the sum of active holds', () => {
  const wallet = openedWallet([
    opened(ALICE),
    credited(ALICE, myr(1_000n)),
    debited(ALICE, myr(300n)),
    holdPlacedOn(ALICE, myr(200n)),
    holdPlacedOn(ALICE, myr(100n), { holdId: holdId('h-2') }),
    { type: 'HoldReleased', data: { walletId: ALICE, holdId: HOLD } },
  ]);
  expect(wallet.balanceMinor).toBe(700n);
  expect(wallet.heldMinor).toBe(100n);
  expect(availableMinor(wallet)).toBe(600n);
  expect([...wallet.activeHolds.keys()]).toEqual(['h-2']);
});

test('counts outgoing transfers per UTC day', () => {
  const wallet = openedWallet([
    opened(ALICE),
    credited(ALICE, myr(1_000n)),
    debited(ALICE, myr(100n), { movementId: 'm-a', at: minutesLater(-24 * 60) }),
    debited(ALICE, myr(200n), { movementId: 'm-b' }),
    debited(ALICE, myr(300n), { movementId: 'm-c' }),
    debited(ALICE, myr(50n), { movementId: 'm-d', kind: 'adjustment' }),
  ]);
  expect(wallet.outgoingToday).toEqual({ dayUtc: '2025-03-10', amountMinor: 500n });
});

test('a system account may go negative', () => {
  const system = openedWallet([
    systemOpened('adjustments', 'MYR'),
    debited(ADJUSTMENTS_MYR, myr(5n)),
  ]);
  expect(system.balanceMinor).toBe(-5n);
});

test.each<[string, WalletEvent[]]>([
  ['a debit that overdraws a user wallet', [opened(ALICE), debited(ALICE, myr(1n))]],
  ['a hold beyond the available balance', [opened(ALICE), holdPlacedOn(ALICE, myr(1n))]],
  ['an event before WalletOpened', [credited(ALICE, myr(1n))]],
  ['a second WalletOpened', [opened(ALICE), opened(ALICE)]],
  ['a credit in another currency', [opened(ALICE), credited(ALICE, jpy(1n))]],
  ['closing a wallet that holds money', [opened(ALICE), credited(ALICE, myr(1n)), closed(ALICE)]],
  [
    'ending a hold that is not active',
    [opened(ALICE), { type: 'HoldExpired', data: { walletId: ALICE, holdId: HOLD } }],
  ],
  [
    'a capture that does not split the hold exactly',
    [
      opened(ALICE),
      credited(ALICE, myr(10n)),
      holdPlacedOn(ALICE, myr(10n)),
      {
        type: 'HoldCaptured',
        data: {
          walletId: ALICE,
          holdId: HOLD,
          movementId: movementId('m-x'),
          currency: 'MYR',
          capturedAmountMinor: 6n,
          releasedAmountMinor: 3n,
          targetWalletId: ADJUSTMENTS_MYR,
        },
      },
    ],
  ],
])('refuses to fold %s', (_name, events) => {
  expect(() => fold(events)).toThrow(InvariantViolation);
});
