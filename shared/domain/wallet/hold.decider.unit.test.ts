// Goal: placing, releasing and expiring holds: every rule, every rejection code, and the
// fixed precedence of placeHold.
import { money, type Money } from '../money/money';
import { holdId } from '../ids';
import { broken, describePrecedence } from '../testing/precedence';
import { spec } from '../testing/spec';
import {
  ALICE,
  ADJUSTMENTS_MYR,
  closed,
  credited,
  debited,
  frozen,
  HOLD,
  holdPlacedOn,
  minutesLater,
  myr,
  NOW,
  opened,
  systemOpened,
} from '../testing/wallet-fixtures';
import { HOLD_EXPIRES_IN_SECONDS_DEFAULT, HOLD_EXPIRES_IN_SECONDS_MAX } from './hold.decider';
import type { PlaceHold, ReleaseHold, WalletCommand } from './wallet.commands';
import { walletDecider } from './wallet.decider';
import type { HoldExpired, HoldPlaced, WalletEvent } from './wallet.events';
import { HOLDS_ACTIVE_MAX } from './wallet.state';

const place = (amount: Money, overrides: Partial<PlaceHold> = {}): PlaceHold => ({
  type: 'PlaceHold',
  walletId: ALICE,
  holdId: HOLD,
  amount,
  reason: 'pending payment',
  actorPlan: 'FREE',
  now: NOW,
  ...overrides,
});
const release = (id = HOLD): ReleaseHold => ({ type: 'ReleaseHold', walletId: ALICE, holdId: id });
const expire = (now: Date): WalletCommand => ({ type: 'ExpireHolds', walletId: ALICE, now });
const funded = (amount: Money): WalletEvent[] => [opened(ALICE), credited(ALICE, amount)];
const secondsLater = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const placed = (amount: Money, expiresAt: Date): HoldPlaced => ({
  type: 'HoldPlaced',
  data: {
    walletId: ALICE,
    holdId: HOLD,
    currency: amount.currency,
    amountMinor: amount.amountMinor,
    reason: 'pending payment',
    expiresAt: expiresAt.toISOString(),
    placedAt: NOW.toISOString(),
  },
});

describe('placeHold', () => {
  test('holds the amount for seven days by default', () =>
    spec(walletDecider)(funded(myr(5_000n)))
      .when(place(myr(5_000n)))
      .then([placed(myr(5_000n), secondsLater(HOLD_EXPIRES_IN_SECONDS_DEFAULT))]));

  test('accepts an expiry from one second up to thirty days', () => {
    spec(walletDecider)(funded(myr(5_000n)))
      .when(place(myr(1n), { expiresInSeconds: 1 }))
      .then([placed(myr(1n), secondsLater(1))]);
    spec(walletDecider)(funded(myr(5_000n)))
      .when(place(myr(1n), { expiresInSeconds: HOLD_EXPIRES_IN_SECONDS_MAX }))
      .then([placed(myr(1n), secondsLater(HOLD_EXPIRES_IN_SECONDS_MAX))]);
  });

  test.each([0, -1, 1.5, HOLD_EXPIRES_IN_SECONDS_MAX + 1])(
    'refuses an expiry of %p seconds',
    (expiresInSeconds) =>
      spec(walletDecider)(funded(myr(5_000n)))
        .when(place(myr(1n), { expiresInSeconds }))
        .thenRejects('invalid_request'),
  );

  test('counts earlier holds against the available balance', () => {
    const given = [
      ...funded(myr(5_000n)),
      holdPlacedOn(ALICE, myr(3_000n), { holdId: holdId('h-0') }),
    ];
    spec(walletDecider)(given)
      .when(place(myr(2_000n)))
      .then([placed(myr(2_000n), secondsLater(HOLD_EXPIRES_IN_SECONDS_DEFAULT))]);
    spec(walletDecider)(given)
      .when(place(myr(2_001n)))
      .thenRejects('insufficient_funds');
  });

  test('returns no events for a hold id already placed or already ended', () => {
    const given = [...funded(myr(5_000n)), holdPlacedOn(ALICE, myr(1_000n))];
    spec(walletDecider)(given)
      .when(place(myr(1_000n)))
      .then([]);
    const releasedHold = { type: 'HoldReleased', data: { walletId: ALICE, holdId: HOLD } } as const;
    spec(walletDecider)([...given, releasedHold])
      .when(place(myr(1_000n)))
      .then([]);
  });

  test('refuses more than HOLDS_ACTIVE_MAX active holds', () => {
    const holds = Array.from({ length: HOLDS_ACTIVE_MAX }, (_unused, index) =>
      holdPlacedOn(ALICE, myr(1n), { holdId: holdId(`h-${index + 100}`) }),
    );
    spec(walletDecider)([...funded(myr(5_000n)), ...holds])
      .when(place(myr(1n)))
      .thenRejects('limit_exceeded');
  });

  test('treats a system account as not found', () =>
    spec(walletDecider)([systemOpened('adjustments', 'MYR')])
      .when(place(myr(1n), { walletId: ADJUSTMENTS_MYR }))
      .thenRejects('not_found'));
});

type HoldScenario = Readonly<{
  exists: boolean;
  status: 'active' | 'frozen' | 'closed';
  amount: Money;
  expiresInSeconds?: number;
  outgoingTodayMinor: bigint;
  atHoldsMax: boolean;
  availableShort: boolean;
}>;
const BALANCE_MINOR = 200_000n;

function givenForHold(s: HoldScenario): WalletEvent[] {
  if (!s.exists) return [];
  if (s.status === 'closed') return [opened(ALICE), closed(ALICE)];
  const events: WalletEvent[] = [
    opened(ALICE),
    credited(ALICE, myr(BALANCE_MINOR + s.outgoingTodayMinor)),
  ];
  if (s.outgoingTodayMinor > 0n) events.push(debited(ALICE, myr(s.outgoingTodayMinor)));
  const smallHolds = s.atHoldsMax ? HOLDS_ACTIVE_MAX - (s.availableShort ? 1 : 0) : 0;
  for (let index = 0; index < smallHolds; index += 1) {
    events.push(holdPlacedOn(ALICE, myr(1n), { holdId: holdId(`h-small-${index}`) }));
  }
  const shortHoldMinor = BALANCE_MINOR - BigInt(smallHolds) - (s.amount.amountMinor - 1n);
  // Placed yesterday: it holds funds but no longer counts towards today's outgoing total.
  const placedAt = minutesLater(-24 * 60);
  if (s.availableShort)
    events.push(holdPlacedOn(ALICE, myr(shortHoldMinor), { holdId: holdId('h-big'), placedAt }));
  if (s.status === 'frozen') events.push(frozen(ALICE));
  return events;
}

describePrecedence<HoldScenario>('placeHold', {
  base: {
    exists: true,
    status: 'active',
    amount: myr(10_000n),
    outgoingTodayMinor: 0n,
    atHoldsMax: false,
    availableShort: false,
  },
  rules: [
    broken('wallet not found', 'not_found', (s) => ({ ...s, exists: false })),
    broken('expiry too far', 'invalid_request', (s) => ({
      ...s,
      expiresInSeconds: HOLD_EXPIRES_IN_SECONDS_MAX + 1,
    })),
    broken('wallet closed', 'wallet_closed', (s) => ({ ...s, status: 'closed' })),
    broken('wallet frozen', 'wallet_frozen', (s) => ({ ...s, status: 'frozen' })),
    broken('amount in another currency', 'currency_mismatch', (s) => ({
      ...s,
      amount: money('JPY', s.amount.amountMinor),
    })),
    broken('over the per-transfer limit', 'limit_exceeded', (s) => ({
      ...s,
      amount: myr(100_001n),
    })),
    broken('over the daily limit', 'limit_exceeded', (s) => ({
      ...s,
      outgoingTodayMinor: 140_001n,
    })),
    broken('at the active holds maximum', 'limit_exceeded', (s) => ({ ...s, atHoldsMax: true })),
    broken('available one short', 'insufficient_funds', (s) => ({ ...s, availableShort: true })),
  ],
  expectRejected: (s, code) =>
    spec(walletDecider)(givenForHold(s))
      .when(place(s.amount, { expiresInSeconds: s.expiresInSeconds }))
      .thenRejects(code),
  expectAccepted: (s) =>
    spec(walletDecider)(givenForHold(s))
      .when(place(s.amount))
      .then([placed(s.amount, secondsLater(HOLD_EXPIRES_IN_SECONDS_DEFAULT))]),
});

describe('releaseHold', () => {
  const held = [...funded(myr(5_000n)), holdPlacedOn(ALICE, myr(1_000n))];
  const ended = (type: 'HoldReleased' | 'HoldExpired') =>
    ({ type, data: { walletId: ALICE, holdId: HOLD } }) as const;

  test('releases an active hold', () =>
    spec(walletDecider)(held)
      .when(release())
      .then([ended('HoldReleased')]));

  test('releases a hold past its expiry that no sweep has expired yet', () =>
    spec(walletDecider)([
      ...funded(myr(5_000n)),
      holdPlacedOn(ALICE, myr(1n), { expiresAt: minutesLater(-1) }),
    ])
      .when(release())
      .then([ended('HoldReleased')]));

  test('returns no events when the hold is already released', () =>
    spec(walletDecider)([...held, ended('HoldReleased')])
      .when(release())
      .then([]));

  test('refuses a hold that expired or was captured', () => {
    spec(walletDecider)([...held, ended('HoldExpired')])
      .when(release())
      .thenRejects('hold_not_active');
  });

  test('refuses an unknown hold and an unknown wallet', () => {
    spec(walletDecider)(held)
      .when(release(holdId('h-unknown')))
      .thenRejects('not_found');
    spec(walletDecider)([]).when(release()).thenRejects('not_found');
  });
});

describe('expireHolds', () => {
  const given = [
    ...funded(myr(5_000n)),
    holdPlacedOn(ALICE, myr(100n), { holdId: holdId('h-early'), expiresAt: minutesLater(10) }),
    holdPlacedOn(ALICE, myr(100n), { holdId: holdId('h-late'), expiresAt: minutesLater(20) }),
  ];
  const expired = (id: string): HoldExpired => ({
    type: 'HoldExpired',
    data: { walletId: ALICE, holdId: holdId(id) },
  });

  test('expires exactly the holds due at or before now', () => {
    spec(walletDecider)(given)
      .when(expire(minutesLater(9)))
      .then([]);
    spec(walletDecider)(given)
      .when(expire(minutesLater(10)))
      .then([expired('h-early')]);
    spec(walletDecider)(given)
      .when(expire(minutesLater(20)))
      .then([expired('h-early'), expired('h-late')]);
  });

  test('returns no events for a wallet that does not exist', () =>
    spec(walletDecider)([]).when(expire(NOW)).then([]));
});
