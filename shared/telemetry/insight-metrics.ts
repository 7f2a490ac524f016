// Metrics of statements, insights and fraud hints. Every label value comes from a closed set
// named here (never an id), and every series starts at 0.
import client from 'prom-client';
import { FRAUD_RULES } from '../domain/insights/fraud-rules';

export const INSIGHT_SOURCES = ['cache', 'computed'] as const;
export const SUMMARY_WRITERS = ['template', 'llm', 'llm_fallback'] as const;
export type InsightSource = (typeof INSIGHT_SOURCES)[number];
export type SummaryWriterOutcome = (typeof SUMMARY_WRITERS)[number];

export function insightMetrics(registry: client.Registry) {
  const insightRequests = new client.Counter({
    name: 'tng_insights_requests_total',
    help: 'Insights answered, by source: the cache, or computed from the read models',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const insightSummaries = new client.Counter({
    name: 'tng_insight_summaries_total',
    help: 'Insight summaries written, by writer (llm_fallback: the LLM failed, template used)',
    labelNames: ['writer'] as const,
    registers: [registry],
  });
  const fraudHints = new client.Counter({
    name: 'tng_fraud_hints_total',
    help: 'FraudSuspected events appended by the fraud-hints saga, by rule',
    labelNames: ['rule'] as const,
    registers: [registry],
  });
  for (const source of INSIGHT_SOURCES) insightRequests.inc({ source }, 0);
  for (const writer of SUMMARY_WRITERS) insightSummaries.inc({ writer }, 0);
  for (const rule of FRAUD_RULES) fraudHints.inc({ rule }, 0);
  return { insightRequests, insightSummaries, fraudHints };
}
export type InsightMetrics = ReturnType<typeof insightMetrics>;
