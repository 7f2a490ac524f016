// Goal: every rule of transfers and payments, each rejection code, and the fixed rejection
// precedence (a scenario breaking rules i..n must fail with rule i's code).
import { money, type CurrencyCode, type Money } from '../money/money';
import { movementId } from '../ids';
import { spec } from '../testing/spec';
import {
  ADJUSTMENTS_MYR,
  ALICE,
  BOB,
  closed,
  credited,
  debited,
  frozen,
  holdPlacedOn,
  minutesLater,
  MOVE,
  myr,
  NOBODY,
  NOW,
  opened,
  SHOP,
  systemOpened,
} from '../testing/wallet-fixtures';
import { paymentDecider, transferDecider } from '../testing/wallet-ledger';
import { broken, describePrecedence, type BrokenRule } from '../testing/precedence';
import type { PayMerchant, TransferMoney } from './wallet.commands';
import type { WalletEvent } from './wallet.events';

const transferOf = (amount: Money, overrides: Partial<TransferMoney> = {}): TransferMoney => ({
  type: 'TransferMoney',
  movementId: MOVE,
  sourceWalletId: ALICE,
  targetWalletId: BOB,
  amount,
  actorPlan: 'FREE',
  targetPlan: 'FREE',
  now: NOW,
  ...overrides,
});

const paymentOf = (amount: Money, overrides: Partial<PayMerchant> = {}): PayMerchant => ({
  type: 'PayMerchant',
  movementId: MOVE,
  sourceWalletId: ALICE,
  targetWalletId: SHOP,
  amount,
  reference: 'order-42',
  actorPlan: 'FREE',
  now: NOW,
  ...overrides,
});

const movement = (walletId: typeof ALICE, counterpartyWalletId: typeof ALICE, amount: Money) => ({
  walletId,
  movementId: MOVE,
  currency: amount.currency,
  amountMinor: amount.amountMinor,
  counterpartyWalletId,
  occurredAt: NOW.toISOString(),
});

type Decided = { source: WalletEvent[]; target: WalletEvent[] };

/** What a transfer decides: one debit of the source, one credit of the target. */
const transferred = (amount: Money, source = ALICE, target = BOB): Decided => ({
  source: [
    { type: 'WalletDebited', data: { ...movement(source, target, amount), movementKind: 'transfer' } },
  ],
  target: [
    { type: 'WalletCredited', data: { ...movement(target, source, amount), movementKind: 'transfer' } },
  ],
});

/** What a payment decides: the payer debited, the merchant credited, both with the reference. */
const paid = (amount: Money, source = ALICE, target = SHOP): Decided => ({
  source: [{
    type: 'WalletDebited',
    data: { ...movement(source, target, amount), movementKind: 'payment', reference: 'order-42' },
  }],
  target: [{
    type: 'WalletCredited',
    data: { ...movement(target, source, amount), movementKind: 'payment', reference: 'order-42' },
  }],
});

const funded = (amount: Money): WalletEvent[] => [
  opened(ALICE),
  credited(ALICE, amount),
  opened(BOB),
];

describe('transfer', () => {
  test('debits the source and credits the target with the same amount', () =>
    spec(transferDecider)(funded(myr(5_000n)))
      .when(transferOf(myr(1_050n), { note: 'lunch' }))
      .then({
        source: [
          {
            type: 'WalletDebited',
            data: { ...movement(ALICE, BOB, myr(1_050n)), movementKind: 'transfer', note: 'lunch' },
          },
        ],
        target: [
          {
            type: 'WalletCredited',
            data: { ...movement(BOB, ALICE, myr(1_050n)), movementKind: 'transfer', note: 'lunch' },
          },
        ],
      }));

  test('may move the whole available balance', () =>
    spec(transferDecider)(funded(myr(5_000n)))
      .when(transferOf(myr(5_000n)))
      .then(transferred(myr(5_000n))));

  test('refuses one sen more than the available balance', () =>
    spec(transferDecider)(funded(myr(5_000n)))
      .when(transferOf(myr(5_001n)))
      .thenRejects('insufficient_funds'));

  test('counts active holds against the available balance', () =>
    spec(transferDecider)([...funded(myr(5_000n)), holdPlacedOn(ALICE, myr(4_000n))])
      .when(transferOf(myr(1_001n)))
      .thenRejects('insufficient_funds'));

  test('refuses a movement from a wallet to itself', () =>
    spec(transferDecider)(funded(myr(5_000n)))
      .when(transferOf(myr(100n), { targetWalletId: ALICE }))
      .thenRejects('same_wallet'));

  test('refuses an unknown source and an unknown target', () => {
    spec(transferDecider)([opened(BOB)])
      .when(transferOf(myr(100n)))
      .thenRejects('not_found');
    spec(transferDecider)(funded(myr(5_000n)))
      .when(transferOf(myr(100n), { targetWalletId: NOBODY }))
      .thenRejects('not_found');
  });

  test('treats system accounts as not found on either side', () => {
    const given = [...funded(myr(5_000n)), systemOpened('adjustments', 'MYR')];
    spec(transferDecider)(given)
      .when(transferOf(myr(100n), { targetWalletId: ADJUSTMENTS_MYR }))
      .thenRejects('not_found');
    spec(transferDecider)(given)
      .when(transferOf(myr(100n), { sourceWalletId: ADJUSTMENTS_MYR }))
      .thenRejects('not_found');
  });

  test('credits a frozen target (frozen wallets accept credits)', () =>
    spec(transferDecider)([...funded(myr(5_000n)), frozen(BOB)])
      .when(transferOf(myr(100n)))
      .then(transferred(myr(100n))));

  test('refuses a debit from a frozen source', () =>
    spec(transferDecider)([...funded(myr(5_000n)), frozen(ALICE)])
      .when(transferOf(myr(100n)))
      .thenRejects('wallet_frozen'));

  test('refuses a closed source and a closed target', () => {
    spec(transferDecider)([opened(ALICE), closed(ALICE), opened(BOB)])
      .when(transferOf(myr(100n)))
      .thenRejects('wallet_closed');
    spec(transferDecider)([...funded(myr(5_000n)), closed(BOB)])
      .when(transferOf(myr(100n)))
      .thenRejects('wallet_closed');
  });

  test('refuses a currency the wallets do not hold', () =>
    spec(transferDecider)(funded(myr(5_000n)))
      .when(transferOf(money('JPY', 100n)))
      .thenRejects('currency_mismatch'));

  test('refuses a target in another currency', () =>
    spec(transferDecider)([
      opened(ALICE),
      credited(ALICE, myr(5_000n)),
      opened(BOB, { currency: 'JPY' }),
    ])
      .when(transferOf(myr(100n)))
      .thenRejects('currency_mismatch'));
});

// FREE MYR: RM 1,000 per transfer, RM 1,500 a day, RM 5,000 maximum balance.
describe('transfer plan limits', () => {
  const rich = [opened(ALICE), credited(ALICE, myr(400_000n)), opened(BOB)];

  test('allows exactly the per-transfer limit and refuses one sen more', () => {
    spec(transferDecider)(rich)
      .when(transferOf(myr(100_000n)))
      .then(transferred(myr(100_000n)));
    spec(transferDecider)(rich)
      .when(transferOf(myr(100_001n)))
      .thenRejects('limit_exceeded');
  });

  test('counts what left the wallet earlier the same UTC day', () => {
    const given = [...rich, debited(ALICE, myr(100_000n), { at: minutesLater(-60) })];
    spec(transferDecider)(given)
      .when(transferOf(myr(50_000n)))
      .then(transferred(myr(50_000n)));
    spec(transferDecider)(given)
      .when(transferOf(myr(50_001n)))
      .thenRejects('limit_exceeded');
  });

  test('starts afresh on the next UTC day', () => {
    const yesterday = minutesLater(-24 * 60);
    const given = [...rich, debited(ALICE, myr(100_000n), { at: yesterday })];
    spec(transferDecider)(given)
      .when(transferOf(myr(100_000n)))
      .then(transferred(myr(100_000n)));
  });

  test('does not count adjustments towards the daily limit', () => {
    const given = [...rich, debited(ALICE, myr(100_000n), { kind: 'adjustment' })];
    spec(transferDecider)(given)
      .when(transferOf(myr(100_000n)))
      .then(transferred(myr(100_000n)));
  });

  test('applies the PREMIUM limits to a PREMIUM actor', () => {
    spec(transferDecider)(rich)
      .when(transferOf(myr(100_001n), { actorPlan: 'PREMIUM' }))
      .then(transferred(myr(100_001n)));
    const richer = [opened(ALICE), credited(ALICE, myr(2_000_000n)), opened(BOB)];
    spec(transferDecider)(richer)
      .when(transferOf(myr(1_000_001n), { actorPlan: 'PREMIUM', targetPlan: 'PREMIUM' }))
      .thenRejects('limit_exceeded');
  });

  test('keeps the target under its plan maximum balance, to the sen', () => {
    const given = [...rich, credited(BOB, myr(490_000n))];
    spec(transferDecider)(given)
      .when(transferOf(myr(10_000n)))
      .then(transferred(myr(10_000n)));
    spec(transferDecider)(given)
      .when(transferOf(myr(10_001n)))
      .thenRejects('max_balance_exceeded');
    spec(transferDecider)(given)
      .when(transferOf(myr(10_001n), { targetPlan: 'PREMIUM' }))
      .then(transferred(myr(10_001n)));
  });

  test('puts no plan limits on merchant sources and no maximum on merchant targets', () => {
    const merchantRich = [opened(SHOP, { kind: 'merchant' }), credited(SHOP, myr(900_000n))];
    spec(transferDecider)([...merchantRich, opened(ALICE)])
      .when(
        transferOf(myr(200_000n), {
          sourceWalletId: SHOP,
          targetWalletId: ALICE,
          targetPlan: 'PREMIUM',
        }),
      )
      .then(transferred(myr(200_000n), SHOP, ALICE));
    spec(transferDecider)([
      ...rich,
      opened(SHOP, { kind: 'merchant' }),
      credited(SHOP, myr(900_000n)),
    ])
      .when(transferOf(myr(100_000n), { targetWalletId: SHOP }))
      .then(transferred(myr(100_000n), ALICE, SHOP));
  });
});

describe('transfer retries', () => {
  const done = [
    ...funded(myr(5_000n)),
    debited(ALICE, myr(5_000n), { movementId: 'm-1' }),
    credited(BOB, myr(5_000n), { movementId: 'm-1' }),
  ];

  test('a retried transfer returns no events even though the funds are now short', () =>
    spec(transferDecider)(done)
      .when(transferOf(myr(5_000n)))
      .then({ source: [], target: [] }));

  test('a retried transfer returns no events even after the source was frozen or closed', () => {
    spec(transferDecider)([...done, frozen(ALICE)])
      .when(transferOf(myr(5_000n)))
      .then({ source: [], target: [] });
    spec(transferDecider)([...done, closed(ALICE)])
      .when(transferOf(myr(5_000n)))
      .then({ source: [], target: [] });
  });

  test('another movement id is a new transfer', () =>
    spec(transferDecider)(done)
      .when(transferOf(myr(1n), { movementId: movementId('m-2') }))
      .thenRejects('insufficient_funds'));
});

describe('transfer preconditions a caller can only break by a bug', () => {
  test('a zero amount violates an invariant (the HTTP layer refuses it first)', () =>
    spec(transferDecider)(funded(myr(5_000n)))
      .when(transferOf(myr(0n)))
      .thenViolatesInvariant());
});

describe('payment', () => {
  const given = [opened(ALICE), credited(ALICE, myr(5_000n)), opened(SHOP, { kind: 'merchant' })];

  test('debits the payer and credits the merchant, with the reference', () =>
    spec(paymentDecider)(given)
      .when(paymentOf(myr(990n)))
      .then({
        source: [
          {
            type: 'WalletDebited',
            data: {
              ...movement(ALICE, SHOP, myr(990n)),
              movementKind: 'payment',
              reference: 'order-42',
            },
          },
        ],
        target: [
          {
            type: 'WalletCredited',
            data: {
              ...movement(SHOP, ALICE, myr(990n)),
              movementKind: 'payment',
              reference: 'order-42',
            },
          },
        ],
      }));

  test('treats a target that is not a merchant wallet as not found', () =>
    spec(paymentDecider)([...given, opened(BOB)])
      .when(paymentOf(myr(100n), { targetWalletId: BOB }))
      .thenRejects('not_found'));

  test('refuses a merchant paying itself', () =>
    spec(paymentDecider)([opened(SHOP, { kind: 'merchant' }), credited(SHOP, myr(5_000n))])
      .when(paymentOf(myr(100n), { sourceWalletId: SHOP }))
      .thenRejects('same_wallet'));

  test('applies the payer plan limits', () =>
    spec(paymentDecider)([
      opened(ALICE),
      credited(ALICE, myr(400_000n)),
      opened(SHOP, { kind: 'merchant' }),
    ])
      .when(paymentOf(myr(100_001n)))
      .thenRejects('limit_exceeded'));
});

// Precedence (see testing/precedence.ts): the scenario for rule i breaks rules i..n.
type Scenario = Readonly<{
  sourceExists: boolean;
  sourceStatus: 'active' | 'frozen' | 'closed';
  outgoingTodayMinor: bigint;
  availableShort: boolean;
  targetExists: boolean;
  targetStatus: 'active' | 'closed';
  targetCurrency: CurrencyCode;
  targetNearMax: boolean;
  sameWallet: boolean;
  amount: Money;
}>;
const BASE: Scenario = {
  sourceExists: true,
  sourceStatus: 'active',
  outgoingTodayMinor: 0n,
  availableShort: false,
  targetExists: true,
  targetStatus: 'active',
  targetCurrency: 'MYR',
  targetNearMax: false,
  sameWallet: false,
  amount: myr(10_000n),
};
const SOURCE_BALANCE = myr(200_000n);

function givenFor(s: Scenario, targetKind: 'user' | 'merchant'): WalletEvent[] {
  const events: WalletEvent[] = [];
  if (s.sourceExists) events.push(...sourceEvents(s));
  if (s.targetExists && !s.sameWallet) {
    const target = targetKind === 'user' ? BOB : SHOP;
    events.push(opened(target, { kind: targetKind, currency: s.targetCurrency }));
    if (s.targetStatus === 'closed') events.push(closed(target));
    const nearMax = 500_000n - s.amount.amountMinor + 1n;
    if (s.targetNearMax) events.push(credited(target, money(s.targetCurrency, nearMax)));
  }
  return events;
}

function sourceEvents(s: Scenario): WalletEvent[] {
  if (s.sourceStatus === 'closed') return [opened(ALICE), closed(ALICE)];
  const { outgoingTodayMinor } = s;
  const events: WalletEvent[] = [
    opened(ALICE),
    credited(ALICE, myr(SOURCE_BALANCE.amountMinor + outgoingTodayMinor)),
  ];
  if (outgoingTodayMinor > 0n)
    events.push(debited(ALICE, myr(outgoingTodayMinor), { movementId: 'm-0' }));
  const shortHold = SOURCE_BALANCE.amountMinor - s.amount.amountMinor + 1n;
  // Placed yesterday: it holds funds but no longer counts towards today's outgoing total.
  const yesterday = minutesLater(-24 * 60);
  if (s.availableShort) events.push(holdPlacedOn(ALICE, myr(shortHold), { placedAt: yesterday }));
  if (s.sourceStatus === 'frozen') events.push(frozen(ALICE));
  return events;
}

const casesFor = (targetKind: 'user' | 'merchant'): BrokenRule<Scenario>[] => [
  broken('source not found', 'not_found', (s) => ({ ...s, sourceExists: false })),
  broken('target not found', 'not_found', (s) => ({ ...s, targetExists: false })),
  // A user source is never the merchant target: for payments this needs a merchant source.
  ...(targetKind === 'user'
    ? [broken<Scenario>('same wallet', 'same_wallet', (s) => ({ ...s, sameWallet: true }))]
    : []),
  broken('source closed', 'wallet_closed', (s) => ({ ...s, sourceStatus: 'closed' })),
  broken('target closed', 'wallet_closed', (s) => ({ ...s, targetStatus: 'closed' })),
  broken('source frozen', 'wallet_frozen', (s) => ({ ...s, sourceStatus: 'frozen' })),
  broken('amount in another currency', 'currency_mismatch', (s) => ({
    ...s,
    amount: money('JPY', s.amount.amountMinor),
  })),
  broken('target in another currency', 'currency_mismatch', (s) => ({
    ...s,
    targetCurrency: 'JPY',
  })),
  broken('over the per-transfer limit', 'limit_exceeded', (s) => ({
    ...s,
    amount: myr(100_001n),
  })),
  broken('over the daily limit', 'limit_exceeded', (s) => ({ ...s, outgoingTodayMinor: 140_001n })),
  broken('available one short', 'insufficient_funds', (s) => ({ ...s, availableShort: true })),
  ...(targetKind === 'user'
    ? [
        broken<Scenario>('target over its maximum', 'max_balance_exceeded', (s) => ({
          ...s,
          targetNearMax: true,
        })),
      ]
    : []),
];

const targetOf = (s: Scenario, merchant: boolean) =>
  !s.targetExists ? NOBODY : s.sameWallet ? ALICE : merchant ? SHOP : BOB;

describePrecedence('transfer', {
  base: BASE,
  rules: casesFor('user'),
  expectRejected: (s, code) =>
    spec(transferDecider)(givenFor(s, 'user'))
      .when(transferOf(s.amount, { targetWalletId: targetOf(s, false) }))
      .thenRejects(code),
  expectAccepted: (s) =>
    spec(transferDecider)(givenFor(s, 'user'))
      .when(transferOf(s.amount))
      .then(transferred(s.amount)),
});

describePrecedence('payment', {
  base: BASE,
  rules: casesFor('merchant'),
  expectRejected: (s, code) =>
    spec(paymentDecider)(givenFor(s, 'merchant'))
      .when(paymentOf(s.amount, { targetWalletId: targetOf(s, true) }))
      .thenRejects(code),
  expectAccepted: (s) =>
    spec(paymentDecider)(givenFor(s, 'merchant'))
      .when(paymentOf(s.amount))
      .then(paid(s.amount)),
});
