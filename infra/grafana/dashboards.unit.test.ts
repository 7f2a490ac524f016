// Goal: Grafana can load what infra/grafana provisions: the datasources the dashboards name
// exist (Prometheus and Jaeger at their compose addresses), each dashboard has its own uid
// and the panels a user needs (issue 12: traffic and latency, errors, ledger activity,
// projection lag, sagas and e-mail, Kafka relay, conservation), and every panel is complete
// enough to draw. What the queries read is checked in infra/metric-names.unit.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const GRAFANA_DIR = __dirname;
const GRID_COLUMNS = 24;

type Target = { refId?: string; expr?: string; datasource?: { uid?: string } };
type Panel = {
  id?: number; type?: string; title?: string; datasource?: { uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number }; targets?: Target[];
};
type Dashboard = { uid?: string; title?: string; schemaVersion?: number; panels?: Panel[] };

const readYaml = (path: string) => parse(readFileSync(join(GRAFANA_DIR, path), 'utf8')) as unknown;
const dashboardFiles = readdirSync(join(GRAFANA_DIR, 'dashboards'))
  .filter((file) => file.endsWith('.json'));
const dashboards = dashboardFiles.map((file) => ({
  file,
  board: JSON.parse(readFileSync(join(GRAFANA_DIR, 'dashboards', file), 'utf8')) as Dashboard,
}));

test('the datasources are Prometheus and Jaeger at their compose addresses', () => {
  const { datasources } = readYaml('provisioning/datasources/datasources.yml') as {
    datasources: { uid: string; type: string; url: string }[];
  };
  expect(datasources.map(({ uid, type, url }) => ({ uid, type, url }))).toEqual([
    { uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' },
    { uid: 'jaeger', type: 'jaeger', url: 'http://jaeger:16686' },
  ]);
});

test('the dashboards provider loads files from one folder', () => {
  const { providers } = readYaml('provisioning/dashboards/dashboards.yml') as {
    providers: { type: string; options: { path: string } }[];
  };
  expect(providers).toHaveLength(1);
  expect(providers[0]).toMatchObject({
    type: 'file', options: { path: '/var/lib/grafana/dashboards' },
  });
});

test('the seven dashboards of issue 12 are there, each with its own uid and title', () => {
  expect(dashboardFiles.sort()).toEqual([
    'conservation.json', 'errors.json', 'kafka-relay.json', 'ledger-activity.json',
    'projection-lag.json', 'sagas-email.json', 'traffic-latency.json',
  ]);
  const uids = dashboards.map(({ board }) => board.uid);
  const titles = dashboards.map(({ board }) => board.title);
  expect(new Set(uids).size).toBe(dashboards.length);
  expect(new Set(titles).size).toBe(dashboards.length);
  for (const { board } of dashboards) expect(board.uid).toMatch(/^[a-z0-9-]{1,40}$/);
});

test('every panel queries the provisioned Prometheus and fits the grid', () => {
  const problems: string[] = [];
  for (const { file, board } of dashboards) {
    expect(board.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = new Set<number>();
    for (const panel of board.panels ?? []) {
      const where = `${file} "${panel.title}"`;
      if (panel.id === undefined || ids.has(panel.id)) {
        problems.push(`${where}: id missing or reused`);
      }
      if (panel.id !== undefined) ids.add(panel.id);
      const grid = panel.gridPos;
      if (!grid || grid.x < 0 || grid.w < 1 || grid.x + grid.w > GRID_COLUMNS || grid.h < 1) {
        problems.push(`${where}: gridPos outside the ${GRID_COLUMNS} columns`);
      }
      if (panel.datasource?.uid !== 'prometheus') problems.push(`${where}: not the Prometheus uid`);
      const targets = panel.targets ?? [];
      if (targets.length === 0) problems.push(`${where}: no query`);
      const refIds = targets.map((target) => target.refId);
      if (new Set(refIds).size !== targets.length) problems.push(`${where}: refIds repeat`);
      for (const target of targets) {
        if (!target.expr?.trim()) problems.push(`${where}: empty query`);
        if (target.datasource?.uid !== 'prometheus') problems.push(`${where}: query datasource`);
      }
    }
  }
  expect(problems).toEqual([]);
});
