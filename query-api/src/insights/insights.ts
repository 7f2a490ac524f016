// GET /v1/wallets/:walletId/insights?month=yyyy-mm: the month's insights, cached. The cache
// key holds the wallet's read-model version, so any new event on the wallet (a movement, a
// FraudSuspected) makes a new key and the old entry is never read again: new events
// invalidate by construction, with no deletes to race. The plan (the wallet owner's) sets
// how far back a month may be and how deep the trend goes (plan-depth.ts).
import { DomainError } from '../../../shared/errors/domain-error';
import { computeInsights, type MonthlyInsights } from '../../../shared/domain/insights/insights';
import {
  formatMonth, monthBounds, monthOf, monthsBetween, shiftMonth,
} from '../../../shared/domain/insights/month';
import { INSIGHT_DEPTH } from '../../../shared/domain/insights/plan-depth';
import { summaryFactsOf } from '../../../shared/domain/insights/summary-facts';
import { CURRENCY_CODES } from '../../../shared/domain/money/money';
import type { Plan } from '../../../shared/domain/plans/plan-limits';
import type { Cache } from '../../../shared/ports/cache.port';
import type { ReadDatabase } from '../../../shared/ports/read-database.port';
import type { InsightMetrics } from '../../../shared/telemetry/insight-metrics';
import type { InsightsView } from './insights.schemas';
import { movementsIn, walletInsightState } from './movement-queries';
import { startedMonth } from './statement';
import { writeSummary, type SummaryDeps } from './summary';

/** How long a cached insight lives; a new event retires it sooner (see above). */
export const INSIGHTS_CACHE_TTL_MS = 60 * 60 * 1000;

export const insightsCacheKey = (walletId: string, month: string, version: bigint, plan: Plan) =>
  `insights:v1:${walletId}:${month}:${version}:${plan}`;

export type InsightsDeps = SummaryDeps & Readonly<{
  readDatabase: ReadDatabase;
  cache: Cache;
  metrics: InsightMetrics;
  now: () => Date;
}>;

export async function walletInsights(
  deps: InsightsDeps,
  walletId: string,
  monthText: string,
): Promise<InsightsView> {
  const month = startedMonth(monthText, deps.now());
  const state = await walletInsightState(deps.readDatabase, walletId);
  if (!state) throw new DomainError('not_found', 'no such resource');
  const plan: Plan = state.plan === 'PREMIUM' ? 'PREMIUM' : 'FREE';
  const depth = INSIGHT_DEPTH[plan];
  if (monthsBetween(month, monthOf(deps.now())) > depth.monthsBackMax) {
    throw new DomainError('forbidden',
      `the ${plan} plan shows insights for the last ${depth.monthsBackMax + 1} months`);
  }
  const key = insightsCacheKey(walletId, formatMonth(month), state.version, plan);
  const cached = await deps.cache.get(key).catch(() => null);
  if (cached !== null) {
    deps.metrics.insightRequests.inc({ source: 'cache' });
    return JSON.parse(cached) as InsightsView;
  }
  const currency = CURRENCY_CODES.find((code) => code === state.currency);
  if (currency === undefined) throw new Error(`unknown currency ${state.currency}`);
  const insights = computeInsights({
    month,
    trendMonths: depth.trendMonths,
    movements: await movementsIn(deps.readDatabase, walletId, {
      from: monthBounds(shiftMonth(month, 1 - depth.trendMonths)).start,
      to: monthBounds(month).end,
    }),
  });
  const summary = await writeSummary(deps, summaryFactsOf(insights, currency), depth.llmSummary);
  const view = { walletId, currency, plan, ...encodeInsights(insights), ...summary };
  await deps.cache.set(key, JSON.stringify(view), { ttlMs: INSIGHTS_CACHE_TTL_MS })
    .catch(() => undefined); // A cache serves speed only: the next request computes again.
  deps.metrics.insightRequests.inc({ source: 'computed' });
  return view;
}

function encodeInsights(insights: MonthlyInsights) {
  return {
    month: insights.month,
    totalIn: insights.totalInMinor.toString(),
    totalOut: insights.totalOutMinor.toString(),
    byCategory: insights.byCategory.map((c) => ({
      category: c.category, totalOut: c.totalOutMinor.toString(), count: c.count,
      shareBasisPoints: c.shareBasisPoints,
    })),
    topMerchants: insights.topMerchants.map((m) => ({
      merchantWalletId: m.merchantWalletId, total: m.totalMinor.toString(), count: m.count,
    })),
    trend: insights.trend.map((t) => ({
      month: t.month, totalIn: t.totalInMinor.toString(), totalOut: t.totalOutMinor.toString(),
      outChangeBasisPoints: t.outChangeBasisPoints,
    })),
    anomalies: insights.anomalies.map((a) => (a.kind === 'unusual_amount'
      ? { kind: a.kind, transactionId: a.movementId, amount: a.amountMinor.toString(),
        usualAmount: a.usualAmountMinor.toString(), createdAt: a.at.toISOString() }
      : a)),
    fraudHints: insights.fraudHints.map((h) => ({
      rule: h.rule, transactionId: h.movementId, detectedAt: h.detectedAt.toISOString(),
      windowStart: h.windowStart.toISOString(),
    })),
  };
}

