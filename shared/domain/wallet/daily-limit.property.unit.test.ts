// Goal: no sequence of transfers, payments, holds, captures, releases and expiries moves more
// out of a user wallet in a UTC day than its plan allows, and no single outgoing movement
// exceeds the per-transfer limit. The test keeps its own model of the rule (stated in
// shared/domain/plans/daily-outgoing.ts), built from the accepted events only, never from the
// wallet state it checks:
//   moved(D)     = transfers and payments debited on D + the captured part of every hold
//                  placed on D (what actually left the wallet, attributed to D);
//   committed(D) = moved(D) + every hold placed on D that is still active.
// After every step moved(D) <= committed(D) <= the daily limit for every day D, every single
// transfer, payment, hold and capture is within the per-transfer limit, and each decision agrees
// with the model exactly: a transfer, payment or hold is refused with limit_exceeded exactly
// when it would take committed(today) over the limit (or is over the per-transfer limit).
// Amounts are biased to the edges (limits, room left today, the hold's amount; each +/- 1),
// and the clock starts an hour before a UTC midnight and jumps to just before and just after
// the next ones, so holds placed one day are captured, released or expire the next.
import fc from 'fast-check';
import { DomainError } from '../../errors/domain-error';
import { money, type CurrencyCode } from '../money/money';
import { holdId, movementId, userId, walletId, type HoldId, type WalletId } from '../ids';
import { planLimits, type Plan, type PlanLimits } from '../plans/plan-limits';
import { applyAll, walletIn, type Ledger } from '../testing/wallet-ledger';
import { captureHold } from './capture-hold.decider';
import { payment, transfer } from './movement.decider';
import { adjustment } from './system-movement.decider';
import type { MovementEvents, SystemMovementEvents, WalletCommand } from './wallet.commands';
import { walletDecider } from './wallet.decider';
import type { WalletEvent, WalletKind } from './wallet.events';
import { outgoingMinorOn, type OpenedWallet } from './wallet.state';
import { systemWalletId } from './wallet.streams';

const PAYER = walletId('dl-payer');
const FRIEND = walletId('dl-friend'); // a PREMIUM user: room for everything the payer sends
const SHOP = walletId('dl-shop');
const START = new Date('2025-03-10T23:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
/** The model's own UTC day, not the rule module's. */
const utcDay = (instant: Date | string): string => new Date(instant).toISOString().slice(0, 10);

const OP_WEIGHTS = {
  transfer: 5, payment: 4, placeHold: 7, capture: 8, release: 3, expire: 1, refill: 2, tick: 3,
} as const;
type Op = keyof typeof OP_WEIGHTS;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  ...(Object.entries(OP_WEIGHTS) as [Op, number][]).map(([op, weight]) => ({
    weight, arbitrary: fc.constant(op),
  })),
);

type AmountSpec = Readonly<{ base: 'literal' | 'perTransfer' | 'dayLeft' | 'hold'; delta: bigint }>;
const amountArb: fc.Arbitrary<AmountSpec> = fc.record({
  base: fc.constantFrom('literal', 'perTransfer', 'dayLeft', 'dayLeft', 'hold'),
  delta: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(-1n, 0n, 1n) },
    { weight: 1, arbitrary: fc.bigInt({ min: -200_000n, max: 200_000n }) },
  ),
});
// Time moves by nothing, a minute, an hour, to 1 ms before the next UTC midnight, or onto it.
const tickArb = fc.constantFrom('none', 'none', 'minute', 'hour', 'beforeMidnight', 'midnight');

const stepArb = fc.record({
  op: opArb,
  amount: amountArb,
  tick: tickArb,
  pick: fc.nat({ max: 7 }),
  whole: fc.boolean(),
  toShop: fc.boolean(),
  expiresInSeconds: fc.constantFrom(undefined, 60, 3_600, 2 * 24 * 3_600),
});
type Step = Readonly<typeof stepArb extends fc.Arbitrary<infer T> ? T : never>;

/** The test's own account of the rule, fed only accepted events. */
class Model {
  readonly committed = new Map<string, bigint>();
  /** What actually left: transfers, payments, and captures on their hold's day. */
  readonly moved = new Map<string, bigint>();
  readonly holds = new Map<HoldId, { day: string; amountMinor: bigint }>();
  readonly largest = { movementMinor: 0n };

  on(day: string): bigint {
    return this.committed.get(day) ?? 0n;
  }

  apply(event: WalletEvent): void {
    if (event.data.walletId !== PAYER) return;
    const add = (day: string, minor: bigint) => this.committed.set(day, this.on(day) + minor);
    switch (event.type) {
      case 'WalletDebited':
        this.seeMovement(event.data.amountMinor);
        if (event.data.movementKind === 'transfer' || event.data.movementKind === 'payment') {
          add(utcDay(event.data.occurredAt), event.data.amountMinor);
          this.move(utcDay(event.data.occurredAt), event.data.amountMinor);
        }
        return;
      case 'HoldPlaced': {
        if (event.data.placedAt === null) throw new Error('the deciders write placedAt');
        const day = utcDay(event.data.placedAt);
        this.holds.set(event.data.holdId, { day, amountMinor: event.data.amountMinor });
        this.seeMovement(event.data.amountMinor);
        add(day, event.data.amountMinor);
        return;
      }
      case 'HoldCaptured': {
        const day = this.holds.get(event.data.holdId)?.day;
        if (day !== undefined) this.move(day, event.data.capturedAmountMinor);
        return this.end(event.data.holdId, event.data.releasedAmountMinor);
      }
      case 'HoldReleased':
      case 'HoldExpired':
        return this.end(event.data.holdId);
      default:
        return;
    }
  }

  private end(id: HoldId, releasedMinor?: bigint): void {
    const hold = this.holds.get(id);
    if (hold === undefined) throw new Error(`hold ${id} ended but never placed`);
    this.holds.delete(id);
    this.committed.set(hold.day, this.on(hold.day) - (releasedMinor ?? hold.amountMinor));
  }

  private move(day: string, minor: bigint): void {
    this.moved.set(day, (this.moved.get(day) ?? 0n) + minor);
  }

  private seeMovement(minor: bigint): void {
    if (minor > this.largest.movementMinor) this.largest.movementMinor = minor;
  }
}

type World = {
  ledger: Ledger;
  now: Date;
  model: Model;
  placed: HoldId[];
  readonly plan: Plan;
  readonly currency: CurrencyCode;
  readonly limits: PlanLimits;
};
type Stats = { limitRefusals: number; atLimit: number; captures: number; nextDay: number };

const payer = (world: World): OpenedWallet => {
  const state = walletIn(world.ledger, PAYER);
  if (state.status === 'absent') throw new Error('the payer is opened first');
  return state;
};

function amountFor(world: World, spec: AmountSpec, holdMinor: bigint | undefined): bigint {
  const today = utcDay(world.now);
  const left = world.limits.dailyOutgoingMinorMax - world.model.on(today);
  const base = {
    literal: 0n,
    perTransfer: world.limits.transferAmountMinorMax,
    dayLeft: left,
    hold: holdMinor ?? 1n,
  }[spec.base];
  const minor = spec.base === 'literal' ? spec.delta : base + spec.delta;
  return minor < 1n ? 1n : minor;
}

const flatten = (events: MovementEvents | SystemMovementEvents): readonly WalletEvent[] =>
  'source' in events ? [...events.source, ...events.target] : [...events.wallet, ...events.system];

type Prepared = Readonly<{ picked: HoldId; amountMinor: bigint }>;

/** The hold a step acts on (mostly an active one) and the amount, before the step. */
function prepare(world: World, step: Step): Prepared {
  const active = [...payer(world).activeHolds.keys()];
  const picked = step.pick === 7 || active.length === 0
    ? (world.placed[step.pick % Math.max(world.placed.length, 1)] ?? holdId('dl-unknown'))
    : active[step.pick % active.length]!;
  const holdMinor = payer(world).activeHolds.get(picked)?.amountMinor;
  return { picked, amountMinor: amountFor(world, step.amount, holdMinor) };
}

/** The events the deciders decide for a step (a tick decides nothing). */
function decide(
  world: World, step: Step, index: number, prepared: Prepared,
): readonly WalletEvent[] {
  const { now, currency, plan, ledger } = world;
  const { picked } = prepared;
  const amount = money(currency, prepared.amountMinor);
  const id = movementId(`dl-m-${index}`);
  const target = step.toShop ? SHOP : FRIEND;
  switch (step.op) {
    case 'transfer':
      return flatten(transfer({
        type: 'TransferMoney', movementId: id, sourceWalletId: PAYER, targetWalletId: FRIEND,
        amount, actorPlan: plan, targetPlan: 'PREMIUM', now,
      }, walletIn(ledger, PAYER), walletIn(ledger, FRIEND)));
    case 'payment':
      return flatten(payment({
        type: 'PayMerchant', movementId: id, sourceWalletId: PAYER, targetWalletId: SHOP,
        amount, reference: `order-${index}`, actorPlan: plan, now,
      }, walletIn(ledger, PAYER), walletIn(ledger, SHOP)));
    case 'placeHold':
      return walletDecider.decide({
        type: 'PlaceHold', walletId: PAYER, holdId: holdId(`dl-h-${index}`), amount,
        reason: 'property', expiresInSeconds: step.expiresInSeconds, actorPlan: plan, now,
      }, walletIn(ledger, PAYER));
    case 'capture':
      return flatten(captureHold({
        type: 'CaptureHold', walletId: PAYER, holdId: picked, movementId: id,
        targetWalletId: target, amount: step.whole ? undefined : amount,
        targetPlan: 'PREMIUM', now,
      }, walletIn(ledger, PAYER), walletIn(ledger, target)));
    case 'release':
      return walletDecider.decide(
        { type: 'ReleaseHold', walletId: PAYER, holdId: picked }, walletIn(ledger, PAYER));
    case 'expire':
      return walletDecider.decide({ type: 'ExpireHolds', walletId: PAYER, now },
        walletIn(ledger, PAYER));
    case 'refill': // Adjustments never count towards the daily limit.
      return flatten(adjustment({
        type: 'AdjustBalance', movementId: id, walletId: PAYER, direction: 'credit',
        amount: money(currency, world.limits.dailyOutgoingMinorMax), reason: 'refill', now,
      }, walletIn(ledger, PAYER), walletIn(ledger, systemWalletId('adjustments', currency))));
    case 'tick':
      return [];
  }
}

/** The limit the model says a transfer, payment or hold breaks, or null. */
function expectedLimit(world: World, step: Step, amountMinor: bigint): string | null {
  if (step.op !== 'transfer' && step.op !== 'payment' && step.op !== 'placeHold') return null;
  if (amountMinor > world.limits.transferAmountMinorMax) return 'per_transfer';
  const today = world.model.on(utcDay(world.now));
  if (today + amountMinor > world.limits.dailyOutgoingMinorMax) return 'daily_outgoing';
  return null;
}

function advance(world: World, tick: Step['tick']): void {
  const at = world.now.getTime();
  const nextMidnight = (Math.floor(at / DAY_MS) + 1) * DAY_MS;
  const next = {
    none: at,
    minute: at + 60_000,
    hour: at + 3_600_000,
    beforeMidnight: nextMidnight - 1,
    midnight: nextMidnight,
  }[tick];
  world.now = new Date(next);
}

function checkModel(world: World, step: Step): void {
  for (const [day, minor] of world.model.committed) {
    if (minor > world.limits.dailyOutgoingMinorMax) {
      throw new Error(`${day}: committed ${minor} over ${world.limits.dailyOutgoingMinorMax}`);
    }
    if (minor < 0n) throw new Error(`${day}: committed ${minor} below zero after ${step.op}`);
  }
  for (const [day, minor] of world.model.moved) {
    if (minor > world.model.on(day)) throw new Error(`${day}: moved ${minor} beyond committed`);
  }
  if (world.model.largest.movementMinor > world.limits.transferAmountMinorMax) {
    throw new Error(`a movement of ${world.model.largest.movementMinor} passed the limit`);
  }
  // The wallet's own total agrees with the model: neither laxer nor stricter.
  const today = utcDay(world.now);
  const counted = outgoingMinorOn(payer(world), world.now);
  if (counted !== world.model.on(today)) {
    throw new Error(`${today}: wallet counts ${counted}, model ${world.model.on(today)}`);
  }
}

function openWorld(plan: Plan, currency: CurrencyCode): World {
  const opening: WalletCommand[] = [
    ...([[PAYER, 'user'], [FRIEND, 'user'], [SHOP, 'merchant']] as const).map(
      ([id, kind]: readonly [WalletId, WalletKind]): WalletCommand => ({
        type: 'OpenWallet', walletId: id, ownerId: userId(`owner-${id}`), kind, currency,
      })),
    {
      type: 'OpenWallet', walletId: systemWalletId('adjustments', currency), ownerId: null,
      kind: 'system', currency, systemAccount: 'adjustments',
    },
  ];
  const ledger = opening.reduce((l, command) =>
    applyAll(l, walletDecider.decide(command, walletIn(l, command.walletId))), new Map() as Ledger);
  return {
    ledger, now: START, model: new Model(), placed: [], plan, currency,
    limits: planLimits(plan, currency),
  };
}

function run(plan: Plan, currency: CurrencyCode, steps: readonly Step[], stats: Stats): void {
  const world = openWorld(plan, currency);
  const refill = { ...steps[0]!, op: 'refill' as const, tick: 'none' as const };
  [refill, refill, ...steps].forEach((step, index) => {
    advance(world, step.tick);
    const prepared = prepare(world, step);
    const expected = expectedLimit(world, step, prepared.amountMinor);
    let events: readonly WalletEvent[];
    try {
      events = decide(world, step, index, prepared);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const limit = error.code === 'limit_exceeded' ? String(error.details.limit) : null;
      if (limit !== expected) {
        throw new Error(`${step.op} refused with limit ${limit}, the model expected ${expected}`);
      }
      if (limit !== null) stats.limitRefusals += 1;
      return;
    }
    if (expected !== null) throw new Error(`${step.op} accepted over the ${expected} limit`);
    tally(world, events, stats);
    world.ledger = applyAll(world.ledger, events);
    for (const event of events) {
      world.model.apply(event);
      if (event.type === 'HoldPlaced') world.placed.push(event.data.holdId);
    }
    if (world.model.on(utcDay(world.now)) === world.limits.dailyOutgoingMinorMax) {
      stats.atLimit += 1;
    }
    checkModel(world, step);
  });
}

/** Counts captures, and captures of a hold placed on an earlier day, before they apply. */
function tally(world: World, events: readonly WalletEvent[], stats: Stats): void {
  for (const event of events) {
    if (event.type !== 'HoldCaptured') continue;
    stats.captures += 1;
    const placedOn = world.model.holds.get(event.data.holdId)?.day;
    if (placedOn !== undefined && placedOn < utcDay(world.now)) stats.nextDay += 1;
  }
}

test('no sequence moves more in a UTC day than the plan allows', () => {
  const stats: Stats = { limitRefusals: 0, atLimit: 0, captures: 0, nextDay: 0 };
  fc.assert(
    fc.property(
      fc.constantFrom<Plan>('FREE', 'PREMIUM'),
      fc.constantFrom<CurrencyCode>('MYR', 'JPY'),
      fc.array(stepArb, { minLength: 10, maxLength: 60 }),
      (plan, currency, steps) => run(plan, currency, steps, stats),
    ),
    { numRuns: 300 },
  );
  // Guard against a vacuous property: the edges were reached and the limit refused things.
  expect(stats.limitRefusals).toBeGreaterThan(600);
  expect(stats.atLimit).toBeGreaterThan(15);
  expect(stats.captures).toBeGreaterThan(80);
  expect(stats.nextDay).toBeGreaterThan(25);
});
