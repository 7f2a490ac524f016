// Goal: docker-compose.yml hands Prometheus and Grafana the files of infra/ where those files
// expect them: the scrape jobs name compose services, the rule files sit beside the config,
// Grafana's provisioning and dashboards are mounted where the provider looks, and the
// datasources' hosts are compose services. A rename on either side fails here rather than
// as an empty Grafana. Skips, saying so, while the repository has no docker-compose.yml.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const hasCompose = existsSync(COMPOSE_FILE);
if (!hasCompose) process.stderr.write('[compose-wiring] skipped: no docker-compose.yml yet\n');
const describeCompose = hasCompose ? describe : describe.skip;

type ComposeService = { volumes?: (string | { source?: string; target?: string })[] };
const readYaml = <T>(path: string) => parse(readFileSync(join(ROOT, path), 'utf8')) as T;

/** The container path where the repository path `source` appears in `service`, if it does. */
function mountedAt(service: ComposeService | undefined, source: string): string | undefined {
  for (const volume of service?.volumes ?? []) {
    const [from, to] = typeof volume === 'string'
      ? volume.split(':')
      : [volume.source, volume.target];
    if (!from || !to) continue;
    const mounted = posix.normalize(from).replace(/^\.\//, '');
    if (source === mounted) return to;
    // A folder mount carries the files under it.
    if (source.startsWith(`${mounted}/`)) return posix.join(to, source.slice(mounted.length + 1));
  }
  return undefined;
}

describeCompose('docker-compose.yml and infra/', () => {
  const compose = hasCompose
    ? readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml')
    : { services: {} };
  const { services } = compose;

  test('every scrape job names a compose service, and the rules sit beside the config', () => {
    const config = readYaml<{
      rule_files: string[];
      scrape_configs: { dns_sd_configs?: { names: string[] }[] }[];
    }>('infra/prometheus/prometheus.yml');
    const hosts = config.scrape_configs.flatMap((job) =>
      (job.dns_sd_configs ?? []).flatMap((discovery) => discovery.names));
    expect(hosts.filter((host) => !(host in services))).toEqual([]);
    const configAt = mountedAt(services.prometheus, 'infra/prometheus/prometheus.yml');
    expect(configAt).toBeDefined();
    for (const rules of config.rule_files) {
      const expected = posix.join(posix.dirname(configAt!), rules);
      expect(mountedAt(services.prometheus, `infra/prometheus/${rules}`)).toBe(expected);
    }
  });

  test('Grafana finds its provisioning and the dashboards where the provider looks', () => {
    const provisioning = '/etc/grafana/provisioning';
    const provider = readYaml<{ providers: { options: { path: string } }[] }>(
      'infra/grafana/provisioning/dashboards/dashboards.yml',
    );
    expect(mountedAt(services.grafana, 'infra/grafana/provisioning/datasources/datasources.yml'))
      .toBe(`${provisioning}/datasources/datasources.yml`);
    expect(mountedAt(services.grafana, 'infra/grafana/provisioning/dashboards/dashboards.yml'))
      .toBe(`${provisioning}/dashboards/dashboards.yml`);
    expect(mountedAt(services.grafana, 'infra/grafana/dashboards/conservation.json'))
      .toBe(`${provider.providers[0]!.options.path}/conservation.json`);
  });

  test('the datasources point at compose services', () => {
    const { datasources } = readYaml<{ datasources: { url: string }[] }>(
      'infra/grafana/provisioning/datasources/datasources.yml',
    );
    const hosts = datasources.map(({ url }) => new URL(url).hostname);
    expect(hosts.filter((host) => !(host in services))).toEqual([]);
  });
});
