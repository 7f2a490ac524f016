// The fraud rules, stated once: the insights route (fraudHints of a month) and the fraud-hints
// saga (FraudSuspected events) both call fraudRulesFor, so a hint shown to a user and an
// event raised on the wallet mean the same thing. Thresholds and their reasons are in
// docs/insights.md ("Fraud rules"); tests pin each one just below and at its threshold.
// Only completed outgoing movements that a customer starts count (transfers, payments, hold
// captures); adjustments are an admin's and top-ups bring money in. Pure: time is each
// movement's own instant, never the clock.
import { localHourOf, MONTH_ZONE_OFFSET_MS } from './month';
import { medianMinor, type Movement } from './movement';

export const FRAUD_RULES = ['velocity', 'new_payees', 'large_amount', 'late_night'] as const;
export type FraudRule = (typeof FRAUD_RULES)[number];

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const FRAUD_THRESHOLDS = Object.freeze({
  /** This many outgoing movements within windowMs (the current one included). */
  velocity: { countMin: 5, windowMs: 10 * MINUTE_MS },
  /** This many payees first paid within windowMs (never paid before in the history). */
  newPayees: { countMin: 3, windowMs: DAY_MS },
  /** An amount at least factorMin times the median of at least historyMin earlier ones. */
  largeAmount: { factorMin: 10n, historyMin: 5 },
  /** This many outgoing movements within windowMs, each between hourStart and hourEnd. */
  lateNight: { countMin: 3, windowMs: HOUR_MS, hourStart: 0, hourEnd: 5 },
});

/** Each rule raises at most one hint per wallet per window (windows start at local midnight). */
export const FRAUD_HINT_WINDOW_MS: Readonly<Record<FraudRule, number>> = Object.freeze({
  velocity: FRAUD_THRESHOLDS.velocity.windowMs,
  new_payees: DAY_MS,
  large_amount: DAY_MS,
  late_night: DAY_MS,
});

/** Outgoing movements the rules look back over, at most (the saga reads as many). */
export const FRAUD_HISTORY_MAX = 200;

/** The movements the rules judge: completed, outgoing, started by the customer. */
export const isCustomerSpending = (movement: Movement): boolean =>
  movement.status === 'completed' && movement.direction === 'debit'
  && movement.kind !== 'adjustment' && movement.kind !== 'top_up';

/**
 * The rules that `history`'s last movement trips. `history` is the wallet's movements in
 * log order, ending with the movement judged; of its customer spending, only the last
 * FRAUD_HISTORY_MAX entries are read.
 */
export function fraudRulesFor(history: readonly Movement[]): FraudRule[] {
  const current = history.at(-1);
  if (current === undefined || !isCustomerSpending(current)) return [];
  const recent = history.filter(isCustomerSpending).slice(-FRAUD_HISTORY_MAX);
  const earlier = recent.slice(0, -1);
  const rules: FraudRule[] = [];
  if (velocity(recent, current)) rules.push('velocity');
  if (newPayees(recent, current)) rules.push('new_payees');
  if (largeAmount(earlier, current)) rules.push('large_amount');
  if (lateNight(recent, current)) rules.push('late_night');
  return rules;
}

/** Movements in (at − windowMs, at]. */
const within = (movements: readonly Movement[], current: Movement, windowMs: number) =>
  movements.filter((m) => current.at.getTime() - m.at.getTime() < windowMs
    && m.at.getTime() <= current.at.getTime());

const velocity = (recent: readonly Movement[], current: Movement) =>
  within(recent, current, FRAUD_THRESHOLDS.velocity.windowMs).length
    >= FRAUD_THRESHOLDS.velocity.countMin;

function newPayees(recent: readonly Movement[], current: Movement): boolean {
  const { windowMs, countMin } = FRAUD_THRESHOLDS.newPayees;
  const windowStartMs = current.at.getTime() - windowMs;
  const seenBefore = new Set(
    recent.filter((m) => m.at.getTime() <= windowStartMs).map((m) => m.counterpartyWalletId),
  );
  const fresh = new Set(
    within(recent, current, windowMs)
      .map((m) => m.counterpartyWalletId)
      .filter((payee) => payee !== null && !seenBefore.has(payee)),
  );
  return fresh.size >= countMin;
}

function largeAmount(earlier: readonly Movement[], current: Movement): boolean {
  const { factorMin, historyMin } = FRAUD_THRESHOLDS.largeAmount;
  if (earlier.length < historyMin) return false;
  const usual = medianMinor(earlier.map((m) => m.amountMinor));
  return current.amountMinor >= usual * factorMin;
}

export const isLateNight = (instant: Date): boolean => {
  const hour = localHourOf(instant);
  return hour >= FRAUD_THRESHOLDS.lateNight.hourStart && hour < FRAUD_THRESHOLDS.lateNight.hourEnd;
};

function lateNight(recent: readonly Movement[], current: Movement): boolean {
  if (!isLateNight(current.at)) return false;
  const { windowMs, countMin } = FRAUD_THRESHOLDS.lateNight;
  return within(recent, current, windowMs).filter((m) => isLateNight(m.at)).length >= countMin;
}

/** The start of the window `instant` falls in for `rule` (windows align to local midnight). */
export function fraudWindowStart(rule: FraudRule, instant: Date): Date {
  const windowMs = FRAUD_HINT_WINDOW_MS[rule];
  const local = instant.getTime() + MONTH_ZONE_OFFSET_MS;
  return new Date(Math.floor(local / windowMs) * windowMs - MONTH_ZONE_OFFSET_MS);
}

export type FraudHint = Readonly<{
  rule: FraudRule;
  /** The movement that tripped the rule first in its window. */
  movementId: string;
  detectedAt: Date;
  windowStart: Date;
}>;

/**
 * Every hint over a wallet's movements (log order; only customer spending is judged): each
 * movement judged against the ones before it, at most one hint per rule per window, the
 * first movement that tripped it.
 */
export function fraudHintsOver(movements: readonly Movement[]): FraudHint[] {
  const spending = movements.filter(isCustomerSpending);
  const hints = new Map<string, FraudHint>();
  spending.forEach((movement, index) => {
    const history = spending.slice(Math.max(0, index + 1 - FRAUD_HISTORY_MAX), index + 1);
    for (const rule of fraudRulesFor(history)) {
      const windowStart = fraudWindowStart(rule, movement.at);
      const key = `${rule}@${windowStart.toISOString()}`;
      if (!hints.has(key)) {
        hints.set(key, { rule, movementId: movement.movementId, detectedAt: movement.at,
          windowStart });
      }
    }
  });
  return [...hints.values()];
}
