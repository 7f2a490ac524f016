// Goal: capturing a hold, in full or in part, every rejection code, and the fixed
// precedence of captureHold.
import { money, type CurrencyCode, type Money } from '../money/money';
import { holdId, movementId, type MovementId, type WalletId } from '../ids';
import { broken, describePrecedence } from '../testing/precedence';
import { spec } from '../testing/spec';
import {
  ALICE,
  BOB,
  closed,
  credited,
  frozen,
  HOLD,
  holdPlacedOn,
  minutesLater,
  MOVE,
  myr,
  NOBODY,
  NOW,
  opened,
  SHOP,
} from '../testing/wallet-fixtures';
import { captureDecider } from '../testing/wallet-ledger';
import type { CaptureHold } from './wallet.commands';
import type { HoldCaptured, WalletEvent } from './wallet.events';

const capture = (overrides: Partial<CaptureHold> = {}): CaptureHold => ({
  type: 'CaptureHold',
  walletId: ALICE,
  holdId: HOLD,
  movementId: MOVE,
  targetWalletId: SHOP,
  targetPlan: 'FREE',
  now: NOW,
  ...overrides,
});
const held = [
  opened(ALICE),
  credited(ALICE, myr(5_000n)),
  holdPlacedOn(ALICE, myr(3_000n)),
  opened(SHOP, { kind: 'merchant' }),
];
const movement = (amount: Money, id: MovementId = MOVE) => ({
  movementId: id,
  movementKind: 'hold_capture' as const,
  currency: amount.currency,
  amountMinor: amount.amountMinor,
  holdId: HOLD,
  occurredAt: NOW.toISOString(),
});
const captured = (
  capturedMinor: bigint,
  releasedMinor: bigint,
  target: WalletId = SHOP,
  id: MovementId = MOVE,
): HoldCaptured => ({
  type: 'HoldCaptured',
  data: {
    walletId: ALICE,
    holdId: HOLD,
    movementId: id,
    currency: 'MYR',
    capturedAmountMinor: capturedMinor,
    releasedAmountMinor: releasedMinor,
    targetWalletId: target,
  },
});

/** What capturing `capturedMinor` of Alice's hold decides: the capture, a debit, a credit. */
const captureDecided = (
  capturedMinor: bigint,
  releasedMinor: bigint,
  target: WalletId = SHOP,
  id: MovementId = MOVE,
): { source: WalletEvent[]; target: WalletEvent[] } => ({
  source: [
    captured(capturedMinor, releasedMinor, target, id),
    {
      type: 'WalletDebited',
      data: { walletId: ALICE, counterpartyWalletId: target, ...movement(myr(capturedMinor), id) },
    },
  ],
  target: [
    {
      type: 'WalletCredited',
      data: { walletId: target, counterpartyWalletId: ALICE, ...movement(myr(capturedMinor), id) },
    },
  ],
});

describe('captureHold', () => {
  test('captures the whole hold by default', () =>
    spec(captureDecider)(held)
      .when(capture())
      .then(captureDecided(3_000n, 0n)));

  test('captures part of the hold and releases the rest', () =>
    spec(captureDecider)(held)
      .when(capture({ amount: myr(1_200n) }))
      .then(captureDecided(1_200n, 1_800n)));

  test('refuses one sen more than the hold', () =>
    spec(captureDecider)(held)
      .when(capture({ amount: myr(3_001n) }))
      .thenRejects('amount_exceeds_hold'));

  test('refuses a hold that was already released, or is past its expiry', () => {
    const releasedHold = { type: 'HoldReleased', data: { walletId: ALICE, holdId: HOLD } } as const;
    spec(captureDecider)([...held, releasedHold])
      .when(capture())
      .thenRejects('hold_not_active');
    spec(captureDecider)(held)
      .when(capture({ now: minutesLater(60) }))
      .thenRejects('hold_not_active');
  });

  test('returns no events for a retried capture', () => {
    const done: WalletEvent[] = [
      ...held,
      captured(3_000n, 0n),
      {
        type: 'WalletDebited',
        data: { walletId: ALICE, counterpartyWalletId: SHOP, ...movement(myr(3_000n)) },
      },
    ];
    spec(captureDecider)(done).when(capture()).then({ source: [], target: [] });
  });

  test('can pay a user wallet, within its plan maximum', () => {
    const given = [...held, opened(BOB), credited(BOB, myr(497_000n))];
    spec(captureDecider)(given)
      .when(capture({ targetWalletId: BOB }))
      .then(captureDecided(3_000n, 0n, BOB));
    spec(captureDecider)(given)
      .when(capture({ targetWalletId: BOB, movementId: movementId('m-2') }))
      .then(captureDecided(3_000n, 0n, BOB, movementId('m-2')));
    spec(captureDecider)([...given, credited(BOB, myr(1n))])
      .when(capture({ targetWalletId: BOB }))
      .thenRejects('max_balance_exceeded');
  });
});

type CaptureScenario = Readonly<{
  sourceExists: boolean;
  hold: 'active' | 'missing' | 'released';
  targetExists: boolean;
  sameWallet: boolean;
  targetClosed: boolean;
  sourceFrozen: boolean;
  amount: Money;
  targetCurrency: CurrencyCode;
  targetNearMax: boolean;
}>;
const HOLD_MINOR = 50_000n;

function givenForCapture(s: CaptureScenario): WalletEvent[] {
  const events: WalletEvent[] = [];
  if (s.sourceExists) {
    events.push(opened(ALICE), credited(ALICE, myr(200_000n)));
    if (s.hold !== 'missing') events.push(holdPlacedOn(ALICE, myr(HOLD_MINOR)));
    if (s.hold === 'released')
      events.push({ type: 'HoldReleased', data: { walletId: ALICE, holdId: HOLD } });
    if (s.sourceFrozen) events.push(frozen(ALICE));
  }
  if (s.targetExists && !s.sameWallet) {
    events.push(opened(BOB, { currency: s.targetCurrency }));
    if (s.targetClosed) events.push(closed(BOB));
    const nearMax = money(s.targetCurrency, 500_000n - s.amount.amountMinor + 1n);
    if (s.targetNearMax && !s.targetClosed) events.push(credited(BOB, nearMax));
  }
  return events;
}
const captureTarget = (s: CaptureScenario) =>
  !s.targetExists ? NOBODY : s.sameWallet ? ALICE : BOB;

describePrecedence<CaptureScenario>('captureHold', {
  base: {
    sourceExists: true,
    hold: 'active',
    targetExists: true,
    sameWallet: false,
    targetClosed: false,
    sourceFrozen: false,
    amount: myr(30_000n),
    targetCurrency: 'MYR',
    targetNearMax: false,
  },
  rules: [
    broken('source not found', 'not_found', (s) => ({ ...s, sourceExists: false })),
    broken('hold never placed', 'not_found', (s) => ({ ...s, hold: 'missing' })),
    broken('hold released', 'hold_not_active', (s) => ({ ...s, hold: 'released' })),
    broken('target not found', 'not_found', (s) => ({ ...s, targetExists: false })),
    broken('same wallet', 'same_wallet', (s) => ({ ...s, sameWallet: true })),
    broken('target closed', 'wallet_closed', (s) => ({ ...s, targetClosed: true })),
    broken('source frozen', 'wallet_frozen', (s) => ({ ...s, sourceFrozen: true })),
    broken('amount in another currency', 'currency_mismatch', (s) => ({
      ...s,
      amount: money('JPY', s.amount.amountMinor),
    })),
    broken('target in another currency', 'currency_mismatch', (s) => ({
      ...s,
      targetCurrency: 'JPY',
    })),
    broken('more than the hold', 'amount_exceeds_hold', (s) => ({
      ...s,
      amount: myr(HOLD_MINOR + 1n),
    })),
    broken('target over its maximum', 'max_balance_exceeded', (s) => ({
      ...s,
      targetNearMax: true,
    })),
  ],
  expectRejected: (s, code) =>
    spec(captureDecider)(givenForCapture(s))
      .when(capture({ amount: s.amount, targetWalletId: captureTarget(s) }))
      .thenRejects(code),
  expectAccepted: (s) =>
    spec(captureDecider)(givenForCapture(s))
      .when(capture({ amount: s.amount, targetWalletId: captureTarget(s) }))
      .then(captureDecided(s.amount.amountMinor, HOLD_MINOR - s.amount.amountMinor, BOB)),
});

test('an unknown hold id is not found', () =>
  spec(captureDecider)(held)
    .when(capture({ holdId: holdId('h-unknown') }))
    .thenRejects('not_found'));
