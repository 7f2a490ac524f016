// Goal: the alerts, the alerts' unit tests and the Grafana dashboards read only metrics the
// services export, with labels and label values they really carry (docs/operations.md,
// "Watching it"). A renamed metric or a typo in an outcome fails here, not as a silent,
// empty panel or an alert that can never fire.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exportedMetrics, selectorProblems, type ExportedMetric } from './testing/exported-metrics';
import { promqlSelectors, type Selector } from './testing/promql-selectors';

const PROMETHEUS_DIR = join(__dirname, 'prometheus');
const DASHBOARDS_DIR = join(__dirname, 'grafana', 'dashboards');

type Source = Readonly<{ where: string; expression: string }>;
type Labelled = Readonly<{ where: string; selector: Selector; label?: string }>;

function alertExpressions(): Source[] {
  const rules = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return rules.groups.flatMap((group) => group.rules.map((rule) => ({
    where: `alerts.yml ${rule.alert}`, expression: rule.expr,
  })));
}

function alertTestSeries(): Source[] {
  const tests = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8')) as {
    tests: { input_series: { series: string }[] }[];
  };
  return tests.tests.flatMap((unit, index) => unit.input_series.map((input) => ({
    where: `alerts.test.yml test ${index + 1}`, expression: input.series,
  })));
}

type Panel = { title?: string; targets?: { expr?: string }[]; panels?: Panel[] };
type Dashboard = {
  panels: Panel[];
  templating?: { list: { name: string; query?: string | { query?: string } }[] };
};

function dashboardSelectors(): Labelled[] {
  const found: Labelled[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard;
    const visit = (panel: Panel) => {
      for (const target of panel.targets ?? []) {
        const where = `${file} "${panel.title}"`;
        for (const selector of promqlSelectors(target.expr ?? '')) found.push({ where, selector });
      }
      for (const inner of panel.panels ?? []) visit(inner);
    };
    for (const panel of dashboard.panels) visit(panel);
    for (const variable of dashboard.templating?.list ?? []) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      const labelValues = /^label_values\((.+),\s*([A-Za-z_]\w*)\)$/.exec(query ?? '');
      if (!labelValues) throw new Error(`${file} $${variable.name}: not a label_values query`);
      const where = `${file} $${variable.name}`;
      for (const selector of promqlSelectors(labelValues[1]!)) {
        found.push({ where, selector, label: labelValues[2]! });
      }
    }
  }
  return found;
}

const selectorsOf = (sources: Source[]): Labelled[] => sources.flatMap(({ where, expression }) =>
  promqlSelectors(expression).map((selector) => ({ where, selector })));

function problemsOf(found: Labelled[], exported: ReadonlyMap<string, ExportedMetric>): string[] {
  return found.flatMap(({ where, selector, label }) => {
    // A variable's label is checked as a matcher on that label would be.
    const checked = label ? { ...selector, matchers: [{ label, op: '=~' as const, value: '' }] }
      : selector;
    return selectorProblems(checked, exported).map((problem) => `${where}: ${problem}`);
  });
}

let exported: ReadonlyMap<string, ExportedMetric>;
beforeAll(async () => {
  exported = await exportedMetrics();
});

test('every alert reads exported metrics, labels and values', () => {
  const found = selectorsOf(alertExpressions());
  expect(found.length).toBeGreaterThanOrEqual(alertExpressions().length);
  expect(problemsOf(found, exported)).toEqual([]);
});

test('the alerts are tested on series the services export, with their labels', () => {
  const found = selectorsOf(alertTestSeries());
  expect(found.length).toBeGreaterThan(10);
  expect(problemsOf(found, exported)).toEqual([]);
});

test('every dashboard panel and variable reads exported metrics, labels and values', () => {
  const found = dashboardSelectors();
  expect(new Set(found.map(({ where }) => where.split(' ')[0])).size).toBe(7);
  expect(problemsOf(found, exported)).toEqual([]);
});

test('the check refuses invented metrics, labels and values, and bare histograms', () => {
  const check = (expression: string) =>
    promqlSelectors(expression).flatMap((selector) => selectorProblems(selector, exported));
  expect(check('rate(tng_transfers_total[5m])')).toEqual(['tng_transfers_total: no such metric']);
  expect(check('tng_commands_total{status="ok"}')).toEqual([
    expect.stringContaining('tng_commands_total: no label status'),
  ]);
  expect(check('tng_notifications_total{outcome="dead_letter"}')).toEqual([
    'tng_notifications_total: outcome="dead_letter" is never exported',
  ]);
  expect(check('http_request_duration_seconds{route="/v1/transfers"}')).toEqual([
    expect.stringContaining('a histogram'),
  ]);
  expect(check('rate(tng_append_duration_seconds_bucket{le="0.1", job="command-api"}[1m])'))
    .toEqual([]);
});
