// Chooses the summary of a month's insights: the LLM writer when the plan allows it and one
// is configured, else the template. The LLM gets SUMMARY_TIMEOUT_MS in all; on any failure
// or timeout the template answers instead (counted as llm_fallback), so a slow or broken
// endpoint costs a request at most that long and never fails it.
import { templateSummary, type SummaryFacts } from '../../../shared/domain/insights/summary-facts';
import type { SummaryWriter } from '../../../shared/ports/summary-writer.port';
import type { InsightMetrics } from '../../../shared/telemetry/insight-metrics';
import type { Logger } from '../../../shared/telemetry/logger';

/** The hard limit on an LLM summary, from the request to the last byte. */
export const SUMMARY_TIMEOUT_MS = 2_000;

export type SummaryDeps = Readonly<{
  summaryWriter: SummaryWriter | null;
  metrics: Pick<InsightMetrics, 'insightSummaries'>;
  logger: Pick<Logger, 'warn'>;
  summaryTimeoutMs?: number;
}>;

export type Summary = Readonly<{ summary: string; summarySource: 'template' | 'llm' }>;

export async function writeSummary(
  deps: SummaryDeps,
  facts: SummaryFacts,
  llmAllowed: boolean,
): Promise<Summary> {
  const template = (): Summary => ({ summary: templateSummary(facts), summarySource: 'template' });
  if (!llmAllowed || deps.summaryWriter === null) {
    deps.metrics.insightSummaries.inc({ writer: 'template' });
    return template();
  }
  const controller = new AbortController();
  const timeoutMs = deps.summaryTimeoutMs ?? SUMMARY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  // The race stands even if a writer ignores its signal.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no summary within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const text = await Promise.race([
      deps.summaryWriter.write(facts, { signal: controller.signal }), timeout,
    ]);
    deps.metrics.insightSummaries.inc({ writer: 'llm' });
    return { summary: text, summarySource: 'llm' };
  } catch (error) {
    deps.logger.warn({ err: error }, 'LLM summary failed; the template answers');
    deps.metrics.insightSummaries.inc({ writer: 'llm_fallback' });
    return template();
  } finally {
    clearTimeout(timer);
  }
}
