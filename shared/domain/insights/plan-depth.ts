// How deep insights go per plan (docs/insights.md, "Plans"). FREE: the current and the
// previous month, a three-month trend, the template summary. PREMIUM: the last twelve
// months, a twelve-month trend, and the LLM summary when one is configured. Statements are
// not limited by plan: they are a record of the customer's own money.
import type { Plan } from '../plans/plan-limits';

export type InsightDepth = Readonly<{
  /** How many months before the current one may be asked for. */
  monthsBackMax: number;
  /** Months in the trend, the asked one included. */
  trendMonths: number;
  /** Whether the summary may come from the LLM writer. */
  llmSummary: boolean;
}>;

export const INSIGHT_DEPTH: Readonly<Record<Plan, InsightDepth>> = Object.freeze({
  FREE: Object.freeze({ monthsBackMax: 1, trendMonths: 3, llmSummary: false }),
  PREMIUM: Object.freeze({ monthsBackMax: 11, trendMonths: 12, llmSummary: true }),
});
