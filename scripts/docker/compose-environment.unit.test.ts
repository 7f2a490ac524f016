// docker-compose.yml (and the verify override) give the four services only variables that
// docs/operations.md's configuration section documents, and run each service by its name.
// A misspelt variable would otherwise be ignored silently and the service would fall back
// to an in-process stand-in.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const SERVICES = ['command-api', 'query-api', 'projector', 'sagas'] as const;

type ComposeService = { command?: string[]; environment?: Record<string, unknown> };
type ComposeFile = { services: Record<string, ComposeService> };

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const composeFile = (file: string) => parse(read(file), { merge: true }) as ComposeFile;

/** Every `NAME` in backticks in the "## Configuration" section of docs/operations.md. */
function documentedVariables(): Set<string> {
  const operations = read('docs/operations.md');
  const start = operations.indexOf('\n## Configuration');
  const end = operations.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(0);
  const section = operations.slice(start, end < 0 ? undefined : end);
  return new Set([...section.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!));
}

const undocumented = (service: ComposeService, documented: Set<string>) =>
  Object.keys(service.environment ?? {}).filter((name) => !documented.has(name));

test('the compose file runs each service by its name with documented variables only', () => {
  const documented = documentedVariables();
  const { services } = composeFile('docker-compose.yml');
  for (const name of SERVICES) {
    expect({ name, command: services[name]?.command }).toEqual({ name, command: ['serve', name] });
    expect({ name, undocumented: undocumented(services[name]!, documented) })
      .toEqual({ name, undocumented: [] });
  }
  // The real parts are switched on here, each by its variable.
  expect(Object.keys(services['sagas']!.environment!)).toEqual(expect.arrayContaining([
    'DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'SMTP_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT',
  ]));
});

test('the verify override sets documented variables only', () => {
  const documented = documentedVariables();
  const { services } = composeFile('scripts/docker/compose.verify.yml');
  const ours = Object.entries(services).filter(([name]) => name.startsWith('command-api')
    || (SERVICES as readonly string[]).includes(name));
  expect(ours.map(([name]) => name).sort()).toEqual([...SERVICES, 'command-api-2'].sort());
  for (const [name, service] of ours) {
    expect({ name, undocumented: undocumented(service, documented) })
      .toEqual({ name, undocumented: [] });
  }
});

test('a name the configuration does not document is caught', () => {
  const service = { environment: { DATABASE_URL: 'x', DATABSE_URL: 'x' } };
  expect(undocumented(service, documentedVariables())).toEqual(['DATABSE_URL']);
});
