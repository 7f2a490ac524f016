// Goal: admin adjustments and card top-ups against the system accounts: both sides of each
// movement, every rejection code, and the fixed precedence of adjustments.
import { money, type Money } from '../money/money';
import { broken, describePrecedence } from '../testing/precedence';
import { spec } from '../testing/spec';
import {
  ADJUSTMENTS_MYR,
  ALICE,
  CLEARING_MYR,
  closed,
  credited,
  frozen,
  holdPlacedOn,
  MOVE,
  myr,
  NOW,
  opened,
  systemOpened,
} from '../testing/wallet-fixtures';
import { adjustmentDecider, topUpDecider } from '../testing/wallet-ledger';
import { checkTopUpRequest } from './system-movement.decider';
import type { AdjustBalance, CreditTopUp } from './wallet.commands';
import type { WalletEvent } from './wallet.events';
import { initialWalletState } from './wallet.state';
import { evolveWallet } from './wallet.evolve';

const adjust = (direction: 'credit' | 'debit', amount: Money): AdjustBalance => ({
  type: 'AdjustBalance',
  movementId: MOVE,
  walletId: ALICE,
  direction,
  amount,
  reason: 'goodwill',
  now: NOW,
});
const topUpOf = (amount: Money): CreditTopUp => ({
  type: 'CreditTopUp',
  movementId: MOVE,
  walletId: ALICE,
  amount,
  now: NOW,
});
const systems = [systemOpened('adjustments', 'MYR'), systemOpened('stripe_clearing', 'MYR')];
const leg = (
  walletId: typeof ALICE,
  counterpartyWalletId: typeof ALICE,
  kind: 'adjustment' | 'top_up',
  amountMinor = 700n,
) => ({
  walletId,
  counterpartyWalletId,
  movementId: MOVE,
  movementKind: kind,
  currency: 'MYR' as const,
  amountMinor,
  occurredAt: NOW.toISOString(),
});

type Decided = { wallet: WalletEvent[]; system: WalletEvent[] };

/** What an adjustment decides: opposite legs on the wallet and the adjustments account. */
const adjusted = (direction: 'credit' | 'debit', amountMinor = 700n): Decided => {
  const [walletSide, systemSide] = direction === 'credit'
    ? (['WalletCredited', 'WalletDebited'] as const)
    : (['WalletDebited', 'WalletCredited'] as const);
  const note = { note: 'goodwill' };
  return {
    wallet: [
      { type: walletSide, data: { ...leg(ALICE, ADJUSTMENTS_MYR, 'adjustment', amountMinor), ...note } },
    ],
    system: [
      { type: systemSide, data: { ...leg(ADJUSTMENTS_MYR, ALICE, 'adjustment', amountMinor), ...note } },
    ],
  };
};

/** What a top-up decides: the Stripe clearing account debited, the wallet credited. */
const toppedUp = (): Decided => ({
  wallet: [{ type: 'WalletCredited', data: leg(ALICE, CLEARING_MYR, 'top_up') }],
  system: [{ type: 'WalletDebited', data: leg(CLEARING_MYR, ALICE, 'top_up') }],
});

describe('adjustment', () => {
  test('a credit debits the adjustments account and credits the wallet', () =>
    spec(adjustmentDecider)([...systems, opened(ALICE)])
      .when(adjust('credit', myr(700n)))
      .then({
        wallet: [
          {
            type: 'WalletCredited',
            data: { ...leg(ALICE, ADJUSTMENTS_MYR, 'adjustment'), note: 'goodwill' },
          },
        ],
        system: [
          {
            type: 'WalletDebited',
            data: { ...leg(ADJUSTMENTS_MYR, ALICE, 'adjustment'), note: 'goodwill' },
          },
        ],
      }));

  test('a debit debits the wallet and credits the adjustments account', () =>
    spec(adjustmentDecider)([...systems, opened(ALICE), credited(ALICE, myr(700n))])
      .when(adjust('debit', myr(700n)))
      .then({
        wallet: [
          {
            type: 'WalletDebited',
            data: { ...leg(ALICE, ADJUSTMENTS_MYR, 'adjustment'), note: 'goodwill' },
          },
        ],
        system: [
          {
            type: 'WalletCredited',
            data: { ...leg(ADJUSTMENTS_MYR, ALICE, 'adjustment'), note: 'goodwill' },
          },
        ],
      }));

  test('a debit never overdraws a customer wallet, holds included', () =>
    spec(adjustmentDecider)([
      ...systems,
      opened(ALICE),
      credited(ALICE, myr(700n)),
      holdPlacedOn(ALICE, myr(1n)),
    ])
      .when(adjust('debit', myr(700n)))
      .thenRejects('insufficient_funds'));

  test('a credit reaches a frozen wallet and ignores the plan maximum', () =>
    spec(adjustmentDecider)([
      ...systems,
      opened(ALICE),
      credited(ALICE, myr(500_000n)),
      frozen(ALICE),
    ])
      .when(adjust('credit', myr(700n)))
      .then(adjusted('credit')));

  test('returns no events for a retried adjustment', () =>
    spec(adjustmentDecider)([
      ...systems,
      opened(ALICE),
      credited(ALICE, myr(700n), { movementId: MOVE }),
    ])
      .when(adjust('credit', myr(700n)))
      .then({ wallet: [], system: [] }));

  test('a missing system account is a deployment bug, not a client error', () =>
    spec(adjustmentDecider)([opened(ALICE)])
      .when(adjust('credit', myr(1n)))
      .thenViolatesInvariant());
});

type AdjustScenario = Readonly<{
  exists: boolean;
  status: 'active' | 'frozen' | 'closed';
  amount: Money;
  short: boolean;
}>;
const givenForAdjust = (s: AdjustScenario): WalletEvent[] => {
  const events: WalletEvent[] = [...systems];
  if (!s.exists) return events;
  events.push(opened(ALICE));
  if (s.status === 'closed') return [...events, closed(ALICE)];
  events.push(credited(ALICE, myr(s.short ? s.amount.amountMinor - 1n : 5_000n)));
  if (s.status === 'frozen') events.push(frozen(ALICE));
  return events;
};

describePrecedence<AdjustScenario>('debit adjustment', {
  base: { exists: true, status: 'active', amount: myr(1_000n), short: false },
  rules: [
    broken('wallet not found', 'not_found', (s) => ({ ...s, exists: false })),
    broken('wallet closed', 'wallet_closed', (s) => ({ ...s, status: 'closed' })),
    broken('wallet frozen', 'wallet_frozen', (s) => ({ ...s, status: 'frozen' })),
    broken('amount in another currency', 'currency_mismatch', (s) => ({
      ...s,
      amount: money('JPY', s.amount.amountMinor),
    })),
    broken('one short', 'insufficient_funds', (s) => ({ ...s, short: true })),
  ],
  expectRejected: (s, code) =>
    spec(adjustmentDecider)(givenForAdjust(s)).when(adjust('debit', s.amount)).thenRejects(code),
  expectAccepted: (s) =>
    spec(adjustmentDecider)(givenForAdjust(s))
      .when(adjust('debit', s.amount))
      .then(adjusted('debit', s.amount.amountMinor)),
});

describe('topUp', () => {
  test('debits the Stripe clearing account and credits the wallet', () =>
    spec(topUpDecider)([...systems, opened(ALICE)])
      .when(topUpOf(myr(700n)))
      .then(toppedUp()));

  test('credits a frozen wallet: the card was charged already', () =>
    spec(topUpDecider)([...systems, opened(ALICE), frozen(ALICE)])
      .when(topUpOf(myr(700n)))
      .then(toppedUp()));

  test('returns no events for a replayed top-up', () =>
    spec(topUpDecider)([
      ...systems,
      opened(ALICE),
      credited(ALICE, myr(700n), { movementId: MOVE }),
    ])
      .when(topUpOf(myr(700n)))
      .then({ wallet: [], system: [] }));

  test('precedence: not_found > wallet_closed > currency_mismatch', () => {
    spec(topUpDecider)(systems)
      .when(topUpOf(money('JPY', 1n)))
      .thenRejects('not_found');
    spec(topUpDecider)([...systems, opened(ALICE), closed(ALICE)])
      .when(topUpOf(money('JPY', 1n)))
      .thenRejects('wallet_closed');
    spec(topUpDecider)([...systems, opened(ALICE)])
      .when(topUpOf(money('JPY', 1n)))
      .thenRejects('currency_mismatch');
  });
});

describe('checkTopUpRequest', () => {
  const walletAt = (events: WalletEvent[]) => events.reduce(evolveWallet, initialWalletState());
  const check = (events: WalletEvent[], amount: Money) => () =>
    checkTopUpRequest({ walletId: ALICE, amount, plan: 'FREE' }, walletAt(events));

  test('allows a top-up up to the plan maximum and refuses one sen more', () => {
    const given = [opened(ALICE), credited(ALICE, myr(499_000n))];
    expect(check(given, myr(1_000n))).not.toThrow();
    expect(check(given, myr(1_001n))).toThrow(
      expect.objectContaining({ code: 'max_balance_exceeded' }),
    );
  });

  test('precedence: not_found > closed > frozen > currency_mismatch > max_balance_exceeded', () => {
    expect(check([], money('JPY', 1n))).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(check([opened(ALICE), frozen(ALICE), closed(ALICE)], money('JPY', 1n))).toThrow(
      expect.objectContaining({ code: 'wallet_closed' }),
    );
    expect(check([opened(ALICE), frozen(ALICE)], money('JPY', 1n))).toThrow(
      expect.objectContaining({ code: 'wallet_frozen' }),
    );
    expect(check([opened(ALICE)], money('JPY', 10_000_000n))).toThrow(
      expect.objectContaining({ code: 'currency_mismatch' }),
    );
  });
});
