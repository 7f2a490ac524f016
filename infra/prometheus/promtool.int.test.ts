// Goal: Prometheus accepts our scrape config and alert rules, and every alert fires when it
// should and stays silent when it should not (alerts.test.yml), and every Grafana dashboard
// query parses, checked by promtool itself. promtool comes in Debian's prometheus package
// (.ci/run installs it); without it the suite skips and says so.
import {
  copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { externalTool } from '../testing/external-tool';

const promtool = externalTool(
  'promtool', 'promtool', "apt-get install --no-install-recommends prometheus; .ci/run does",
);
const here = __dirname;
const DASHBOARDS_DIR = join(here, '..', 'grafana', 'dashboards');
const SERVICES = ['command-api', 'query-api', 'projector', 'sagas'];

promtool.describeWithTool('promtool', () => {
  test('the scrape config and the rule files it names are valid', () => {
    const run = promtool.run(['check', 'config', 'prometheus.yml'], { cwd: here });
    expect(run.stderr + run.stdout).toContain('SUCCESS: prometheus.yml is valid');
    expect(run.status).toBe(0);
  });

  test('the alert rules are valid', () => {
    const run = promtool.run(['check', 'rules', 'alerts.yml'], { cwd: here });
    expect(run.stdout).toMatch(/SUCCESS: \d+ rules found/);
    expect(run.status).toBe(0);
  });

  test('every alert passes its unit tests', () => {
    const run = promtool.run(['test', 'rules', 'alerts.test.yml'], { cwd: here });
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  test('every dashboard query is valid PromQL', () => {
    // Each query becomes a recording rule, which promtool parses; Grafana's variables get
    // values of the kind Grafana puts there.
    const expressions = dashboardQueries().map((expr) => expr
      .replaceAll('$__rate_interval', '1m')
      .replaceAll('$__range', '1h')
      .replaceAll('$job', '.*'));
    expect(expressions.join('\n')).not.toContain('$');
    const rules = expressions.map((expr, index) => ({ record: `dashboard:query_${index}`, expr }));
    const scratch = mkdtempSync(join(tmpdir(), 'tng-promtool-'));
    try {
      writeFileSync(join(scratch, 'dashboards.yml'), stringify({ groups: [{ name: 'q', rules }] }));
      const run = promtool.run(['check', 'rules', 'dashboards.yml'], { cwd: scratch });
      expect(run.stdout + run.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(run.status).toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('the unit tests catch a broken alert (the run above can fail)', () => {
    // The same tests against a rule file whose conservation alert ignores deficits.
    const scratch = mkdtempSync(join(tmpdir(), 'tng-promtool-'));
    try {
      copyFileSync(join(here, 'alerts.test.yml'), join(scratch, 'alerts.test.yml'));
      const rules = readFileSync(join(here, 'alerts.yml'), 'utf8');
      const gauge = 'tng_conservation_imbalance_minor';
      const broken = rules.replace(`abs(${gauge})`, gauge);
      expect(broken).not.toBe(rules);
      writeFileSync(join(scratch, 'alerts.yml'), broken);
      const run = promtool.run(['test', 'rules', 'alerts.test.yml'], { cwd: scratch });
      expect(run.stdout + run.stderr).toContain('alertname: TngConservationImbalance');
      expect(run.status).not.toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

function dashboardQueries(): string[] {
  type Dashboard = { panels: { targets?: { expr?: string }[] }[] };
  return readdirSync(DASHBOARDS_DIR).filter((file) => file.endsWith('.json')).flatMap((file) => {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard;
    return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr ?? ''));
  });
}

test('every alert has a unit test, and every service is scraped on port 3000', () => {
  // Plain YAML checks, so they run without promtool too.
  type Rules = { groups: { rules: { alert: string }[] }[] };
  type Case = { alertname: string; exp_alerts?: unknown[] };
  type Tests = { tests: { alert_rule_test?: Case[] }[] };
  type Discovery = { names: string[]; port: number };
  type Config = { scrape_configs: { job_name: string; dns_sd_configs?: Discovery[] }[] };
  const rules = parse(readFileSync(join(here, 'alerts.yml'), 'utf8')) as Rules;
  const tests = parse(readFileSync(join(here, 'alerts.test.yml'), 'utf8')) as Tests;
  const config = parse(readFileSync(join(here, 'prometheus.yml'), 'utf8')) as Config;
  const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
  const tested = tests.tests.flatMap((unit) => unit.alert_rule_test ?? []);
  for (const alert of alerts) {
    const cases = tested.filter((unit) => unit.alertname === alert);
    // Both ways: at least one evaluation where it fires and one where it is silent.
    const fires = cases.some((unit) => (unit.exp_alerts ?? []).length > 0);
    const silent = cases.some((unit) => (unit.exp_alerts ?? []).length === 0);
    expect({ alert, fires, silent }).toEqual({ alert, fires: true, silent: true });
  }
  const scraped = config.scrape_configs.map((job) => ({
    job: job.job_name,
    targets: (job.dns_sd_configs ?? []).map((sd) => `${sd.names.join(',')}:${sd.port}`),
  }));
  expect(scraped).toEqual(expect.arrayContaining(
    SERVICES.map((service) => ({ job: service, targets: [`${service}:3000`] })),
  ));
  expect(scraped.map((job) => job.job)).toContain('prometheus');
});
