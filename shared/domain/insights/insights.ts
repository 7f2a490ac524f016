// A wallet's insights for one month, computed from its movements: totals, spending by
// category, top merchants, the month-on-month trend, anomalies and fraud hints. Pure: the
// caller reads the movements (the month and the trend months before it) and encodes the
// result. Money stays bigint; ratios are integer basis points (docs/insights.md).
import { categoryOf, type Category } from './categories';
import { fraudHintsOver, type FraudHint } from './fraud-rules';
import { formatMonth, monthBounds, shiftMonth, type Month } from './month';
import {
  basisPoints, isCompleted, isSpending, medianMinor, sumMinor, type Movement,
} from './movement';

export const TOP_MERCHANTS_MAX = 5;
/** A spending at least this many times the usual (median) one is an anomaly... */
export const ANOMALY_AMOUNT_FACTOR_MIN = 3n;
/** ...once there are at least this many earlier spendings to say what is usual. */
export const ANOMALY_HISTORY_MIN = 5;
/** A month with at least this many times the usual monthly count of spendings is unusual. */
export const ANOMALY_FREQUENCY_FACTOR_MIN = 2n;
/** ...and at least this many spendings (three coffees after one is not a pattern). */
export const ANOMALY_FREQUENCY_COUNT_MIN = 5;

export type CategoryTotal = Readonly<{
  category: Category; totalOutMinor: bigint; count: number; shareBasisPoints: string | null;
}>;
export type MerchantTotal = Readonly<{
  merchantWalletId: string; totalMinor: bigint; count: number;
}>;
export type TrendPoint = Readonly<{
  month: string;
  totalInMinor: bigint;
  totalOutMinor: bigint;
  /** Change of totalOut against the month before, in basis points; null without a base. */
  outChangeBasisPoints: string | null;
}>;
export type Anomaly =
  | Readonly<{ kind: 'unusual_amount'; movementId: string; amountMinor: bigint;
      usualAmountMinor: bigint; at: Date }>
  | Readonly<{ kind: 'unusual_frequency'; count: number; usualCountBasisPoints: string }>;

export type MonthlyInsights = Readonly<{
  month: string;
  totalInMinor: bigint;
  totalOutMinor: bigint;
  byCategory: readonly CategoryTotal[];
  topMerchants: readonly MerchantTotal[];
  trend: readonly TrendPoint[];
  anomalies: readonly Anomaly[];
  fraudHints: readonly FraudHint[];
}>;

export type InsightsInput = Readonly<{
  month: Month;
  /** How many months the trend shows, the asked one included (plan depth). */
  trendMonths: number;
  /** The wallet's movements from the first trend month to the end of `month`, in log order. */
  movements: readonly Movement[];
}>;

const isInMonth = (month: Month, instant: Date) => {
  const { start, end } = monthBounds(month);
  return instant >= start && instant < end;
};
const inMonth = (month: Month) => (m: Movement) => isInMonth(month, m.at);
const byAmountThenName = <T>(amount: (t: T) => bigint, name: (t: T) => string) =>
  (a: T, b: T) => (amount(a) > amount(b) ? -1 : amount(a) < amount(b) ? 1
    : name(a).localeCompare(name(b)));

export function computeInsights(input: InsightsInput): MonthlyInsights {
  const current = input.movements.filter(inMonth(input.month));
  const completed = current.filter(isCompleted);
  const spending = completed.filter(isSpending);
  const totalOutMinor = sumMinor(spending);
  const firstTrendMonth = shiftMonth(input.month, 1 - input.trendMonths);
  const before = input.movements.filter((m) => m.at < monthBounds(input.month).start
    && m.at >= monthBounds(firstTrendMonth).start);
  return {
    month: formatMonth(input.month),
    totalInMinor: sumMinor(completed.filter((m) => m.direction === 'credit')),
    totalOutMinor,
    byCategory: categoryTotals(spending, totalOutMinor),
    topMerchants: merchantTotals(spending),
    trend: trendOf(input),
    anomalies: anomaliesOf(spending, before.filter(isSpending), input.trendMonths - 1),
    fraudHints: fraudHintsOver(input.movements)
      .filter((hint) => isInMonth(input.month, hint.detectedAt)),
  };
}

function categoryTotals(spending: readonly Movement[], totalOutMinor: bigint): CategoryTotal[] {
  const totals = new Map<Category, { totalOutMinor: bigint; count: number }>();
  for (const movement of spending) {
    const category = categoryOf(movement);
    const total = totals.get(category) ?? { totalOutMinor: 0n, count: 0 };
    totals.set(category, { totalOutMinor: total.totalOutMinor + movement.amountMinor,
      count: total.count + 1 });
  }
  return [...totals].map(([category, total]) => ({
    category, ...total, shareBasisPoints: basisPoints(total.totalOutMinor, totalOutMinor),
  })).sort(byAmountThenName((t) => t.totalOutMinor, (t) => t.category));
}

function merchantTotals(spending: readonly Movement[]): MerchantTotal[] {
  const totals = new Map<string, { totalMinor: bigint; count: number }>();
  for (const movement of spending) {
    if (movement.kind !== 'payment' || movement.counterpartyWalletId === null) continue;
    const total = totals.get(movement.counterpartyWalletId) ?? { totalMinor: 0n, count: 0 };
    totals.set(movement.counterpartyWalletId, {
      totalMinor: total.totalMinor + movement.amountMinor, count: total.count + 1,
    });
  }
  return [...totals].map(([merchantWalletId, total]) => ({ merchantWalletId, ...total }))
    .sort(byAmountThenName((t) => t.totalMinor, (t) => t.merchantWalletId))
    .slice(0, TOP_MERCHANTS_MAX);
}

/** Oldest first, ending with the asked month. */
function trendOf(input: InsightsInput): TrendPoint[] {
  const points: TrendPoint[] = [];
  let previousOut: bigint | null = null;
  for (let offset = 1 - input.trendMonths; offset <= 0; offset += 1) {
    const month = shiftMonth(input.month, offset);
    const completed = input.movements.filter(inMonth(month)).filter(isCompleted);
    const totalOutMinor = sumMinor(completed.filter(isSpending));
    points.push({
      month: formatMonth(month),
      totalInMinor: sumMinor(completed.filter((m) => m.direction === 'credit')),
      totalOutMinor,
      outChangeBasisPoints:
        previousOut === null ? null : basisPoints(totalOutMinor - previousOut, previousOut),
    });
    previousOut = totalOutMinor;
  }
  return points;
}

/**
 * Against the trend months before this one: a spending far above the usual amount, and a
 * month with far more spendings than usual (the mean count of those months).
 */
function anomaliesOf(
  spending: readonly Movement[],
  earlier: readonly Movement[],
  earlierMonths: number,
): Anomaly[] {
  const anomalies: Anomaly[] = [];
  if (earlier.length >= ANOMALY_HISTORY_MIN) {
    const usualAmountMinor = medianMinor(earlier.map((m) => m.amountMinor));
    for (const movement of spending) {
      if (movement.amountMinor < usualAmountMinor * ANOMALY_AMOUNT_FACTOR_MIN) continue;
      anomalies.push({ kind: 'unusual_amount', movementId: movement.movementId,
        amountMinor: movement.amountMinor, usualAmountMinor, at: movement.at });
    }
  }
  // count / (earlier.length / earlierMonths) >= factor, in integers.
  const count = BigInt(spending.length);
  if (earlierMonths > 0 && earlier.length > 0 && spending.length >= ANOMALY_FREQUENCY_COUNT_MIN
    && count * BigInt(earlierMonths) >= ANOMALY_FREQUENCY_FACTOR_MIN * BigInt(earlier.length)) {
    anomalies.push({ kind: 'unusual_frequency', count: spending.length,
      // The usual monthly count, times 10 000 (a mean of counts need not be whole).
      usualCountBasisPoints: ((BigInt(earlier.length) * 10_000n) / BigInt(earlierMonths))
        .toString() });
  }
  return anomalies;
}
