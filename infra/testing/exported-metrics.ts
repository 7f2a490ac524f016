// What the services export, read from the same registry they build (shared/telemetry/
// metrics.ts), and the check of one PromQL selector against it: the metric exists (a
// histogram's _bucket, _sum and _count series included), its labels exist, and a label
// compared to a literal value names a value the metric can hold, where the registry knows the
// closed set (every such series starts at 0).
import { createMetrics } from '../../shared/telemetry/metrics';
import type { Selector } from './promql-selectors';

export type ExportedMetric = Readonly<{
  name: string;
  type: string;
  labelNames: ReadonlySet<string>;
  /** The label values of the series that exist from the start, by label. */
  labelValues: ReadonlyMap<string, ReadonlySet<string>>;
}>;

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];
/** Series Prometheus makes itself for each target. */
const SYNTHETIC: ExportedMetric[] = [{
  name: 'up', type: 'gauge', labelNames: new Set(), labelValues: new Map(),
}];
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

export async function exportedMetrics(): Promise<ReadonlyMap<string, ExportedMetric>> {
  const { registry } = createMetrics();
  const exported = new Map(SYNTHETIC.map((metric) => [metric.name, metric]));
  for (const metric of await registry.getMetricsAsJSON()) {
    const { labelNames } = registry.getSingleMetric(metric.name) as unknown as {
      labelNames?: readonly string[];
    };
    const labelValues = new Map<string, Set<string>>();
    for (const { labels } of metric.values) {
      for (const [label, value] of Object.entries(labels)) {
        if (!labelValues.has(label)) labelValues.set(label, new Set());
        labelValues.get(label)!.add(String(value));
      }
    }
    exported.set(metric.name, {
      name: metric.name,
      type: String(metric.type),
      labelNames: new Set(labelNames ?? []),
      labelValues,
    });
  }
  return exported;
}

/** Every way `selector` does not match what is exported; empty when it does. */
export function selectorProblems(
  selector: Selector,
  exported: ReadonlyMap<string, ExportedMetric>,
): string[] {
  const { metric: seriesName, matchers } = selector;
  const suffix = HISTOGRAM_SUFFIXES.find((ending) => seriesName.endsWith(ending));
  const histogram = suffix ? exported.get(seriesName.slice(0, -suffix.length)) : undefined;
  const metric = histogram?.type === 'histogram' ? histogram : exported.get(seriesName);
  if (!metric) return [`${seriesName}: no such metric`];
  if (metric.type === 'histogram' && metric !== histogram) {
    return [`${seriesName}: a histogram; read its _bucket, _sum or _count series`];
  }
  const labels = new Set([
    ...metric.labelNames, ...TARGET_LABELS, ...(suffix === '_bucket' ? ['le'] : []),
  ]);
  const problems: string[] = [];
  for (const { label, op, value } of matchers) {
    if (!labels.has(label)) {
      problems.push(`${seriesName}: no label ${label} (has ${[...labels].join(', ')})`);
      continue;
    }
    const known = metric.labelValues.get(label);
    const literal = (op === '=' || op === '!=') && !value.includes('$');
    if (literal && known && !known.has(value)) {
      problems.push(`${seriesName}: ${label}="${value}" is never exported`);
    }
  }
  return problems;
}
