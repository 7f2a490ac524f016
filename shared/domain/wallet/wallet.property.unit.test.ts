// Goal: random sequences of wallet commands (adjustments, top-ups, transfers, payments,
// holds placed / captured / released / expired, freeze / unfreeze / close) over user,
// merchant and system wallets in two currencies keep the ledger's invariants after EVERY
// step: per currency the balances of all wallets sum to exactly 0; no user or merchant
// wallet's available is negative; held equals the sum of active holds; and a repeated
// accepted command decides nothing. Accepted commands are applied to every affected wallet;
// rejected ones are recorded (TransferRejected) where the handler would, and must move
// nothing. Amounts are biased to the edges: 1, balance, available, limits, each +/- 1.
import fc from 'fast-check';
import { DomainError } from '../../errors/domain-error';
import { money, type CurrencyCode } from '../money/money';
import { holdId, movementId, userId, walletId, type HoldId, type WalletId } from '../ids';
import { planLimits, type Plan } from '../plans/plan-limits';
import { applyAll, walletIn, type Ledger } from '../testing/wallet-ledger';
import { captureHold } from './capture-hold.decider';
import { payment, transfer } from './movement.decider';
import { rejectionEvents } from './rejection';
import { adjustment, topUp } from './system-movement.decider';
import type {
  MovementEvents,
  PayMerchant,
  SystemMovementEvents,
  TransferMoney,
  WalletCommand,
} from './wallet.commands';
import { walletDecider } from './wallet.decider';
import type { WalletEvent, WalletKind } from './wallet.events';
import {
  availableMinor,
  outgoingMinorOn,
  type OpenedWallet,
  type WalletState,
} from './wallet.state';
import { systemWalletId } from './wallet.streams';

type Customer = Readonly<{ id: WalletId; kind: WalletKind; currency: CurrencyCode; plan: Plan }>;
const CUSTOMERS: readonly Customer[] = [
  { id: walletId('p-alice'), kind: 'user', currency: 'MYR', plan: 'FREE' },
  { id: walletId('p-bob'), kind: 'user', currency: 'MYR', plan: 'PREMIUM' },
  { id: walletId('p-carol'), kind: 'user', currency: 'JPY', plan: 'FREE' },
  { id: walletId('p-shop'), kind: 'merchant', currency: 'MYR', plan: 'FREE' },
  { id: walletId('p-shop-jpy'), kind: 'merchant', currency: 'JPY', plan: 'FREE' },
];
const MERCHANTS = CUSTOMERS.filter((customer) => customer.kind === 'merchant');
const CURRENCIES: readonly CurrencyCode[] = ['MYR', 'JPY'];
const START = new Date('2025-03-10T20:00:00.000Z'); // four hours before a UTC midnight

// Weights: money must flow often enough for the edges to matter; closing and freezing are
// rare, or they would end most sequences early.
const OP_WEIGHTS = {
  adjust: 4,
  topUp: 2,
  transfer: 6,
  payment: 3,
  placeHold: 4,
  capture: 4,
  release: 2,
  expire: 2,
  freeze: 1,
  unfreeze: 2,
  close: 1,
} as const;
type Op = keyof typeof OP_WEIGHTS;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  ...(Object.entries(OP_WEIGHTS) as [Op, number][]).map(([op, weight]) => ({
    weight,
    arbitrary: fc.constant(op),
  })),
);
/** Every customer starts with this much (RM 1,000 or ¥ 100,000), topped up by card. */
const OPENING_TOP_UP_MINOR = 100_000n;

type AmountSpec =
  | Readonly<{ kind: 'literal'; minor: bigint }>
  | Readonly<{
      kind: 'available' | 'balance' | 'transferLimit' | 'dailyLeft' | 'maxRoom' | 'hold';
      delta: bigint;
    }>;

const amountArb: fc.Arbitrary<AmountSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('literal' as const),
    minor: fc.oneof(
      fc.constantFrom(1n, 2n, 99n, 100n, 10_000n, 100_000n, 150_000n, 500_000n, 1_000_000n),
      fc.bigInt({ min: 1n, max: 2_000_000n }),
    ),
  }),
  fc.record({
    kind: fc.constantFrom(
      'available' as const,
      'balance' as const,
      'transferLimit' as const,
      'dailyLeft' as const,
      'maxRoom' as const,
      'hold' as const,
    ),
    delta: fc.constantFrom(-1n, 0n, 1n),
  }),
);

const stepArb = fc.record({
  op: opArb,
  wallet: fc.nat({ max: CUSTOMERS.length - 1 }),
  other: fc.nat({ max: CUSTOMERS.length - 1 }),
  amount: amountArb,
  // Most targets hold the source's currency, so currency_mismatch does not drown the rest.
  sameCurrencyTarget: fc.oneof(
    { weight: 4, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  foreignCurrency: fc.oneof(
    { weight: 9, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  direction: fc.constantFrom('credit' as const, 'credit' as const, 'debit' as const),
  pick: fc.nat({ max: 4 }),
  whole: fc.boolean(),
  expiresInSeconds: fc.constantFrom(undefined, undefined, undefined, 60, 3_600),
  // Mostly within the hour; sometimes past a UTC midnight, or past a seven-day hold expiry.
  minutes: fc.oneof(
    { weight: 12, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.constantFrom(1, 59) },
    { weight: 2, arbitrary: fc.constant(24 * 60) },
    { weight: 1, arbitrary: fc.constant(8 * 24 * 60) },
  ),
});
type Step = Readonly<typeof stepArb extends fc.Arbitrary<infer T> ? T : never>;

type World = {
  ledger: Ledger;
  now: Date;
  holds: Map<WalletId, HoldId[]>; // every hold id ever placed, per wallet
};

const opened = (state: WalletState): OpenedWallet | null =>
  state.status === 'absent' ? null : state;

function resolveAmount(
  spec: AmountSpec,
  context: {
    source: WalletState;
    target?: WalletState;
    plan: Plan;
    currency: CurrencyCode;
    holdMinor?: bigint;
    now: Date;
  },
): bigint {
  const source = opened(context.source);
  const target = context.target === undefined ? null : opened(context.target);
  const limits = planLimits(context.plan, context.currency);
  let minor: bigint;
  switch (spec.kind) {
    case 'literal':
      minor = spec.minor;
      break;
    case 'available':
      minor = (source === null ? 0n : availableMinor(source)) + spec.delta;
      break;
    case 'balance':
      minor = (source?.balanceMinor ?? 0n) + spec.delta;
      break;
    case 'transferLimit':
      minor = limits.transferAmountMinorMax + spec.delta;
      break;
    case 'dailyLeft': {
      const spent = source === null ? 0n : outgoingMinorOn(source, context.now);
      minor = limits.dailyOutgoingMinorMax - spent + spec.delta;
      break;
    }
    case 'maxRoom':
      minor = limits.balanceMinorMax - (target?.balanceMinor ?? 0n) + spec.delta;
      break;
    case 'hold':
      minor = (context.holdMinor ?? 1n) + spec.delta;
      break;
  }
  return minor < 1n ? 1n : minor; // zero is refused by the HTTP layer, never reaches here
}

const flatten = (events: MovementEvents | SystemMovementEvents): WalletEvent[] =>
  'source' in events ? [...events.source, ...events.target] : [...events.wallet, ...events.system];

type Attempt = Readonly<{
  decide: (ledger: Ledger) => WalletEvent[];
  onRejected?: (error: DomainError, ledger: Ledger) => WalletEvent[];
  onAccepted?: (world: World) => void;
}>;

function attemptFor(step: Step, index: number, world: World): Attempt {
  const { ledger, now } = world;
  const self = actingWallet(step, world);
  const other = targetFor(self, step);
  const currency = step.foreignCurrency ? (self.currency === 'MYR' ? 'JPY' : 'MYR') : self.currency;
  const id = movementId(`mv-${index}`);
  const pickedHold = pickHold(world, self.id, step.pick);
  const holdMinor = opened(walletIn(ledger, self.id))?.activeHolds.get(pickedHold)?.amountMinor;
  const amountFor = (target?: Customer) =>
    money(
      currency,
      resolveAmount(step.amount, {
        source: walletIn(ledger, self.id),
        target: target === undefined ? undefined : walletIn(ledger, target.id),
        plan: target?.plan ?? self.plan,
        currency,
        holdMinor,
        now,
      }),
    );
  const single = (command: WalletCommand): Attempt => ({
    decide: (l) => [...walletDecider.decide(command, walletIn(l, command.walletId))],
  });
  const op: Op = step.op;
  switch (op) {
    case 'adjust': {
      const command = {
        type: 'AdjustBalance',
        movementId: id,
        walletId: self.id,
        direction: step.direction,
        amount: amountFor(),
        reason: 'property',
        now,
      } as const;
      const systemId = systemWalletId('adjustments', command.amount.currency);
      return {
        decide: (l) => flatten(adjustment(command, walletIn(l, self.id), walletIn(l, systemId))),
      };
    }
    case 'topUp': {
      const command = {
        type: 'CreditTopUp',
        movementId: id,
        walletId: self.id,
        amount: amountFor(),
        now,
      } as const;
      const clearingId = systemWalletId('stripe_clearing', command.amount.currency);
      return {
        decide: (l) => flatten(topUp(command, walletIn(l, self.id), walletIn(l, clearingId))),
      };
    }
    case 'transfer': {
      const command: TransferMoney = {
        type: 'TransferMoney',
        movementId: id,
        sourceWalletId: self.id,
        targetWalletId: other.id,
        amount: amountFor(other),
        actorPlan: self.plan,
        targetPlan: other.plan,
        now,
      };
      return {
        decide: (l) => flatten(transfer(command, walletIn(l, self.id), walletIn(l, other.id))),
        onRejected: (error, l) => rejectionEvents(command, error, walletIn(l, self.id)),
      };
    }
    case 'payment': {
      const merchants = step.sameCurrencyTarget
        ? MERCHANTS.filter((m) => m.currency === self.currency)
        : MERCHANTS;
      const merchant = merchants[step.other % merchants.length]!;
      const command: PayMerchant = {
        type: 'PayMerchant',
        movementId: id,
        sourceWalletId: self.id,
        targetWalletId: merchant.id,
        amount: amountFor(merchant),
        reference: `order-${index}`,
        actorPlan: self.plan,
        now,
      };
      return {
        decide: (l) => flatten(payment(command, walletIn(l, self.id), walletIn(l, merchant.id))),
        onRejected: (error, l) => rejectionEvents(command, error, walletIn(l, self.id)),
      };
    }
    case 'placeHold': {
      const placed = holdId(`hold-${index}`);
      return {
        ...single({
          type: 'PlaceHold',
          walletId: self.id,
          holdId: placed,
          amount: amountFor(),
          reason: 'property',
          expiresInSeconds: step.expiresInSeconds,
          actorPlan: self.plan,
          now,
        }),
        onAccepted: (w) => w.holds.set(self.id, [...(w.holds.get(self.id) ?? []), placed]),
      };
    }
    case 'capture': {
      const command = {
        type: 'CaptureHold',
        walletId: self.id,
        holdId: pickedHold,
        movementId: id,
        targetWalletId: other.id,
        amount: step.whole ? undefined : amountFor(other),
        targetPlan: other.plan,
        now,
      } as const;
      return {
        decide: (l) => flatten(captureHold(command, walletIn(l, self.id), walletIn(l, other.id))),
      };
    }
    case 'release':
      return single({ type: 'ReleaseHold', walletId: self.id, holdId: pickedHold });
    case 'expire':
      return single({ type: 'ExpireHolds', walletId: self.id, now });
    case 'freeze':
      return single({ type: 'FreezeWallet', walletId: self.id, reason: 'property' });
    case 'unfreeze':
      return single({ type: 'UnfreezeWallet', walletId: self.id });
    case 'close':
      return single({ type: 'CloseWallet', walletId: self.id, reason: 'property' });
  }
}

/**
 * The wallet a step acts on. Captures and releases prefer wallets that have had holds,
 * unfreezes prefer frozen wallets and payments prefer users, so those commands mostly meet
 * a state they can act on (the unit tests cover the other cases one by one).
 */
function actingWallet(step: Step, world: World): Customer {
  const relevant = CUSTOMERS.filter((customer) => {
    if (step.op === 'capture' || step.op === 'release') return world.holds.has(customer.id);
    if (step.op === 'unfreeze') return walletIn(world.ledger, customer.id).status === 'frozen';
    if (step.op === 'payment') return customer.kind === 'user';
    return true;
  });
  const candidates = relevant.length > 0 ? relevant : CUSTOMERS;
  return candidates[step.wallet % candidates.length]!;
}

function targetFor(self: Customer, step: Step): Customer {
  const candidates = step.sameCurrencyTarget
    ? CUSTOMERS.filter((c) => c.currency === self.currency && c.id !== self.id)
    : CUSTOMERS;
  return candidates[step.other % candidates.length]!;
}

/** Mostly an active hold of the wallet; sometimes any hold it ever had, or an unknown id. */
function pickHold(world: World, wallet: WalletId, pick: number): HoldId {
  const everPlaced = world.holds.get(wallet) ?? [];
  const state = walletIn(world.ledger, wallet);
  const active = state.status === 'absent' ? [] : [...state.activeHolds.keys()];
  if (pick === 0 || everPlaced.length === 0) return holdId('hold-unknown');
  if (pick === 4 || active.length === 0) return everPlaced[pick % everPlaced.length]!;
  return active[pick % active.length]!;
}

/** Every customer also starts with one hold, so captures and releases have work early on. */
const OPENING_HOLD_MINOR = 10_000n;
const openingHoldId = (customer: Customer) => holdId(`opening-hold-${customer.id}`);

function openAll(): Ledger {
  const commands: WalletCommand[] = [
    ...CUSTOMERS.map((c): WalletCommand => ({
      type: 'OpenWallet',
      walletId: c.id,
      ownerId: userId(`owner-${c.id}`),
      kind: c.kind,
      currency: c.currency,
    })),
    ...CURRENCIES.flatMap((currency) =>
      (['adjustments', 'stripe_clearing'] as const).map((account): WalletCommand => ({
        type: 'OpenWallet',
        walletId: systemWalletId(account, currency),
        ownerId: null,
        kind: 'system',
        currency,
        systemAccount: account,
      })),
    ),
  ];
  const openedLedger = commands.reduce(
    (ledger, command) =>
      applyAll(ledger, walletDecider.decide(command, walletIn(ledger, command.walletId))),
    new Map() as Ledger,
  );
  return CUSTOMERS.reduce((ledger, customer) => {
    const command = {
      type: 'CreditTopUp',
      movementId: movementId(`opening-${customer.id}`),
      walletId: customer.id,
      amount: money(customer.currency, OPENING_TOP_UP_MINOR),
      now: START,
    } as const;
    const clearing = walletIn(ledger, systemWalletId('stripe_clearing', customer.currency));
    const funded = applyAll(
      ledger,
      flatten(topUp(command, walletIn(ledger, customer.id), clearing)),
    );
    const hold: WalletCommand = {
      type: 'PlaceHold',
      walletId: customer.id,
      holdId: openingHoldId(customer),
      reason: 'opening',
      amount: money(customer.currency, OPENING_HOLD_MINOR),
      actorPlan: customer.plan,
      now: START,
    };
    return applyAll(funded, walletDecider.decide(hold, walletIn(funded, customer.id)));
  }, openedLedger);
}

/** Plain checks, not `expect`: they run after every one of ~8,000 steps and must be cheap. */
function checkInvariants(ledger: Ledger): void {
  const totals = new Map<CurrencyCode, bigint>();
  for (const state of ledger.values()) {
    if (state.status === 'absent') continue;
    totals.set(state.currency, (totals.get(state.currency) ?? 0n) + state.balanceMinor);
    let heldSum = 0n;
    for (const hold of state.activeHolds.values()) heldSum += hold.amountMinor;
    if (state.heldMinor !== heldSum)
      fail(`${state.walletId}: held ${state.heldMinor} != ${heldSum}`);
    if (state.kind !== 'system' && availableMinor(state) < 0n) {
      fail(`${state.walletId}: available ${availableMinor(state)} < 0`);
    }
  }
  for (const [currency, total] of totals) {
    if (total !== 0n) fail(`${currency}: balances sum to ${total}, not 0`);
  }
}

const fail = (message: string): never => {
  throw new Error(`invariant broken: ${message}`);
};

function run(steps: readonly Step[]): { accepted: number } {
  const holds = new Map(CUSTOMERS.map((customer) => [customer.id, [openingHoldId(customer)]]));
  const world: World = { ledger: openAll(), now: START, holds };
  let accepted = 0;
  steps.forEach((step, index) => {
    world.now = new Date(world.now.getTime() + step.minutes * 60_000);
    const attempt = attemptFor(step, index, world);
    let events: WalletEvent[];
    try {
      events = attempt.decide(world.ledger);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error; // an InvariantViolation is a bug
      world.ledger = applyAll(world.ledger, attempt.onRejected?.(error, world.ledger) ?? []);
      checkInvariants(world.ledger);
      return;
    }
    world.ledger = applyAll(world.ledger, events);
    if (events.length > 0) accepted += 1;
    attempt.onAccepted?.(world);
    checkInvariants(world.ledger);
    // A retried command (same ids, same clock) decides nothing.
    const retried = attempt.decide(world.ledger);
    if (retried.length > 0) fail(`retrying ${step.op} decided ${retried.map((e) => e.type)}`);
  });
  return { accepted };
}

test('random command sequences keep money conserved and available non-negative', () => {
  let acceptedTotal = 0;
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 20, maxLength: 60 }), (steps) => {
      acceptedTotal += run(steps).accepted;
    }),
    { numRuns: 200 },
  );
  // Guard against a vacuous property: plenty of commands must actually have moved money.
  expect(acceptedTotal).toBeGreaterThan(1_500);
});
