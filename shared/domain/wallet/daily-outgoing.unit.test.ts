// Goal: the daily outgoing rule of shared/domain/plans/daily-outgoing.ts, one case at a time,
// as the wallet folds it and the deciders apply it (FREE MYR: RM 1,000 per transfer, RM 1,500
// a day, i.e. 100_000 and 150_000 sen): holds count when placed, a release or expiry gives
// back, a partial capture gives back its rest, a capture counts nothing again, and a hold
// placed yesterday neither counts nor gives back today.
import { holdId } from '../ids';
import { spec } from '../testing/spec';
import {
  ALICE,
  BOB,
  credited,
  debited,
  holdPlacedOn,
  minutesLater,
  MOVE,
  myr,
  NOW,
  opened,
} from '../testing/wallet-fixtures';
import type { HoldCaptured, WalletEvent } from './wallet.events';
import { walletDecider } from './wallet.decider';
import { evolveWallet } from './wallet.evolve';
import { initialWalletState, outgoingMinorOn } from './wallet.state';

const YESTERDAY = minutesLater(-24 * 60);
const RM = (ringgit: bigint) => myr(ringgit * 100n);
const funded: WalletEvent[] = [opened(ALICE), credited(ALICE, RM(5_000n))];

const outgoingToday = (events: readonly WalletEvent[], now = NOW): bigint => {
  const state = events.reduce(evolveWallet, initialWalletState());
  if (state.status === 'absent') throw new Error('expected an opened wallet');
  return outgoingMinorOn(state, now);
};
const hold = (id: string, ringgit: bigint, placedAt: Date | null = NOW) =>
  holdPlacedOn(ALICE, RM(ringgit), { holdId: holdId(id), placedAt });
const ended = (type: 'HoldReleased' | 'HoldExpired', id: string): WalletEvent =>
  ({ type, data: { walletId: ALICE, holdId: holdId(id) } });
const captured = (id: string, capturedRinggit: bigint, releasedRinggit: bigint): WalletEvent[] => {
  const capture: HoldCaptured = {
    type: 'HoldCaptured',
    data: {
      walletId: ALICE, holdId: holdId(id), movementId: MOVE, currency: 'MYR',
      capturedAmountMinor: capturedRinggit * 100n, releasedAmountMinor: releasedRinggit * 100n,
      targetWalletId: BOB,
    },
  };
  const debit = debited(ALICE, RM(capturedRinggit), { kind: 'hold_capture', movementId: 'm-1' });
  return [capture, { ...debit, data: { ...debit.data, holdId: holdId(id) } }];
};
const placeHold = (id: string, ringgit: bigint) => ({
  type: 'PlaceHold' as const, walletId: ALICE, holdId: holdId(id), amount: RM(ringgit),
  reason: 'deposit', actorPlan: 'FREE' as const, now: NOW,
});

test('a hold counts towards the day it is placed, at its full amount', () => {
  expect(outgoingToday([...funded, hold('h-a', 1_000n)])).toBe(100_000n);
});

test('three holds of RM 1,000: the second is refused, it would make RM 2,000 in one day', () => {
  spec(walletDecider)([...funded, hold('h-a', 1_000n)])
    .when(placeHold('h-b', 1_000n))
    .thenRejects('limit_exceeded');
  spec(walletDecider)([...funded, hold('h-a', 1_000n)])
    .when(placeHold('h-b', 500n))
    .then([expect.objectContaining({ type: 'HoldPlaced' })]);
});

test('holds and transfers share the day: a hold after RM 1,200 of transfers has RM 300 left', () => {
  const given = [...funded, debited(ALICE, RM(1_200n), { movementId: 'm-t' })];
  spec(walletDecider)(given).when(placeHold('h-a', 301n)).thenRejects('limit_exceeded');
  spec(walletDecider)(given)
    .when(placeHold('h-a', 300n))
    .then([expect.objectContaining({ type: 'HoldPlaced' })]);
});

test('a released or expired hold gives its whole share back', () => {
  expect(outgoingToday([...funded, hold('h-a', 1_000n), ended('HoldReleased', 'h-a')])).toBe(0n);
  expect(outgoingToday([...funded, hold('h-a', 1_000n), ended('HoldExpired', 'h-a')])).toBe(0n);
});

test('a capture counts nothing a second time; its released rest gives back', () => {
  expect(outgoingToday([...funded, hold('h-a', 1_000n), ...captured('h-a', 1_000n, 0n)]))
    .toBe(100_000n);
  expect(outgoingToday([...funded, hold('h-a', 1_000n), ...captured('h-a', 300n, 700n)]))
    .toBe(30_000n);
});

test('a hold placed yesterday and captured or released today touches only yesterday', () => {
  const yesterdays = [...funded, hold('h-a', 1_000n, YESTERDAY)];
  expect(outgoingToday(yesterdays, YESTERDAY)).toBe(100_000n);
  expect(outgoingToday(yesterdays)).toBe(0n);
  const laterToday = [debited(ALICE, RM(500n), { movementId: 'm-t' })];
  expect(outgoingToday([...yesterdays, ...laterToday, ...captured('h-a', 1_000n, 0n)]))
    .toBe(50_000n);
  expect(outgoingToday([...yesterdays, ...laterToday, ...captured('h-a', 200n, 800n)]))
    .toBe(50_000n);
  expect(outgoingToday([...yesterdays, ...laterToday, ended('HoldReleased', 'h-a')]))
    .toBe(50_000n);
});

test('a v1 hold (placed before holds counted) counts when captured, on that day', () => {
  const v1 = [...funded, hold('h-a', 1_000n, null)];
  expect(outgoingToday(v1)).toBe(0n);
  expect(outgoingToday([...v1, ...captured('h-a', 400n, 600n)])).toBe(40_000n);
  expect(outgoingToday([...v1, ended('HoldReleased', 'h-a')])).toBe(0n);
});

test('the per-transfer limit applies to a hold', () => {
  spec(walletDecider)(funded).when(placeHold('h-a', 1_001n)).thenRejects('limit_exceeded');
});

test('a hold placed today gives back to today only while it is still today', () => {
  const placedToday = [...funded, hold('h-a', 1_000n)];
  const tomorrow = minutesLater(24 * 60);
  const spentTomorrow = debited(ALICE, RM(100n), { movementId: 'm-t', at: tomorrow });
  expect(outgoingToday([...placedToday, spentTomorrow, ended('HoldReleased', 'h-a')], tomorrow))
    .toBe(10_000n);
});
