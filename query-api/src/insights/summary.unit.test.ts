// Goal: the summary falls back to the template whenever the LLM writer fails, hangs (even
// if it ignores its abort signal) or is not allowed, and counts each outcome once.
import { createMetrics } from '../../../shared/telemetry/metrics';
import type { SummaryFacts } from '../../../shared/domain/insights/summary-facts';
import type { SummaryWriter } from '../../../shared/ports/summary-writer.port';
import { writeSummary } from './summary';

const FACTS: SummaryFacts = {
  month: '2026-11', currency: 'MYR', totalIn: '100000', totalOut: '2050', topCategories: [],
  outChangeBasisPoints: '-2500', anomalyCount: 0, fraudRules: [],
};
const TEMPLATE = 'In 2026-11 you received MYR 1000.00 and spent MYR 20.50. '
  + 'Spending fell 25.00% from the month before.';

function harness(writer: SummaryWriter | null) {
  const metrics = createMetrics();
  const deps = { summaryWriter: writer, metrics, logger: { warn: () => undefined },
    summaryTimeoutMs: 50 };
  const count = async (name: string) =>
    (await metrics.insightSummaries.get()).values.find((v) => v.labels.writer === name)?.value;
  return { deps, count };
}

test('the LLM writes the summary when allowed', async () => {
  const { deps, count } = harness({ write: async () => 'from the LLM' });
  expect(await writeSummary(deps, FACTS, true)).toEqual({
    summary: 'from the LLM', summarySource: 'llm',
  });
  expect(await count('llm')).toBe(1);
});

test.each([
  ['fails', async () => { throw new Error('down'); }],
  ['hangs, ignoring its signal', () => new Promise<string>(() => undefined)],
])('a writer that %s gives the template at the timeout', async (_, write) => {
  const { deps, count } = harness({ write });
  expect(await writeSummary(deps, FACTS, true)).toEqual({
    summary: TEMPLATE, summarySource: 'template',
  });
  expect([await count('llm_fallback'), await count('llm')]).toEqual([1, 0]);
});

test('without a writer, or on a plan without LLM summaries, the template answers', async () => {
  let called = 0;
  const { deps, count } = harness({ write: async () => { called += 1; return 'x'; } });
  expect((await writeSummary(deps, FACTS, false)).summary).toBe(TEMPLATE);
  expect((await writeSummary(harness(null).deps, FACTS, true)).summarySource).toBe('template');
  expect(called).toBe(0);
  expect(await count('template')).toBe(1);
});
