// Goal: infra/k8s renders with `kubectl kustomize` and what it renders would run: every object
// passes an offline schema check (infra/testing/k8s-schema.ts), each of the four services is
// a Deployment probed on /health/live and /health/ready, listening on 3000, with resources
// and its settings from the ConfigMap and the Secret; Services, autoscalers and disruption
// budgets point at real Deployments; every variable set is documented (docs/operations.md,
// "Configuration") and accepted by the configuration loader. Without kubectl the same
// checks run on the files as written, and the rendering is skipped with a reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../shared/config/load-config';
import { documentedVariables } from '../testing/documented-variables';
import { externalTool } from '../testing/external-tool';
import { schemaProblems } from '../testing/k8s-schema';

const K8S_DIR = __dirname;
const SERVICES = ['command-api', 'query-api', 'projector', 'sagas'];
const AUTOSCALED = ['command-api', 'query-api'];
const SECRET_NAME = 'tng-secrets';

type Labels = Record<string, string>;
type Probe = { httpGet: { path: string; port: string | number } };
type Container = {
  name: string; image: string; args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string }[];
  livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe;
  resources?: { requests?: Labels; limits?: Labels };
};
type K8sObject = {
  apiVersion: string; kind: string; metadata: { name: string };
  data?: Labels; stringData?: Labels;
  spec?: {
    replicas?: number;
    selector?: Labels & { matchLabels?: Labels };
    template?: { metadata: { labels: Labels }; spec: { containers: Container[] } };
    ports?: { port: number; targetPort: string | number }[];
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number; maxReplicas?: number;
  };
};

const kubectl = externalTool(
  'k8s rendering', 'kubectl', 'the other checks run on the files as written',
);

function parseYamlStream(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** What kubectl renders, or, without kubectl, the kustomization's resource files as written. */
function renderedObjects(): K8sObject[] {
  if (kubectl.path) {
    const run = kubectl.run(['kustomize', K8S_DIR]);
    if (run.status !== 0) throw new Error(`kubectl kustomize failed: ${run.stderr}`);
    return parseYamlStream(run.stdout);
  }
  const kustomization = parse(readFileSync(join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  return kustomization.resources.flatMap((file) =>
    parseYamlStream(readFileSync(join(K8S_DIR, file), 'utf8')));
}

const objects = renderedObjects();
const secretTemplate =
  parse(readFileSync(join(K8S_DIR, 'secret.template.yaml'), 'utf8')) as K8sObject;
const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
const deployments = ofKind('Deployment');
const containerOf = (deployment: K8sObject) => deployment.spec!.template!.spec.containers[0]!;
const selects = (selector: Labels, labels: Labels) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);
const podsSelected = (selector: Labels) =>
  deployments.filter((deployment) => selects(selector, deployment.spec!.template!.metadata.labels));

kubectl.describeWithTool('kubectl kustomize', () => {
  test('renders the four services and their settings, without the Secret', () => {
    const kinds = objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ConfigMap/tng-config',
      ...SERVICES.map((name) => `Deployment/${name}`),
      ...AUTOSCALED.map((name) => `HorizontalPodAutoscaler/${name}`),
      ...AUTOSCALED.map((name) => `PodDisruptionBudget/${name}`),
      ...SERVICES.map((name) => `Service/${name}`),
    ].sort());
    for (const object of objects) {
      const labels = { 'app.kubernetes.io/part-of': 'mini-tng' };
      expect(object).toMatchObject({ metadata: { labels } });
    }
  });
});

test('every object, and the Secret template, passes the offline schema check', () => {
  expect([...objects, secretTemplate].flatMap((object) => schemaProblems(object))).toEqual([]);
});

test('the schema check refuses a misspelt field, a wrong type and an unknown kind', () => {
  const deployment = structuredClone(deployments[0]!);
  const container = containerOf(deployment) as unknown as Record<string, unknown>;
  container.livenesProbe = container.livenessProbe;
  container.ports = [{ containerPort: '3000' }];
  expect(schemaProblems(deployment)).toEqual([
    expect.stringContaining('.ports[0].containerPort: not an integer'),
    expect.stringContaining('.livenesProbe: unknown field'),
  ]);
  expect(schemaProblems({ apiVersion: 'extensions/v1beta1', kind: 'Ingress' })).toEqual([
    'unknown apiVersion and kind: extensions/v1beta1 Ingress',
  ]);
});

test('each service runs `tng serve <name>` on 3000, probed on the health routes', () => {
  const names = deployments.map((deployment) => deployment.metadata.name);
  expect(names.sort()).toEqual([...SERVICES].sort());
  for (const deployment of deployments) {
    const { name } = deployment.metadata;
    const container = containerOf(deployment);
    expect(container.args).toEqual(['serve', name]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    const probePorts = ['http', 3000];
    expect(container.livenessProbe?.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe?.httpGet.path).toBe('/health/ready');
    expect(container.startupProbe?.httpGet.path).toBe('/health/live');
    const { livenessProbe, readinessProbe, startupProbe } = container;
    for (const probe of [livenessProbe, readinessProbe, startupProbe]) {
      expect(probePorts).toContain(probe?.httpGet.port);
    }
    for (const bound of ['requests', 'limits'] as const) {
      expect(Object.keys(container.resources?.[bound] ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
    // The selector picks this Deployment's pods and no other's.
    expect(podsSelected(deployment.spec!.selector!.matchLabels!)).toEqual([deployment]);
  }
});

test('settings come from the ConfigMap and the Secret the template creates', () => {
  const configMaps = ofKind('ConfigMap').map((object) => object.metadata.name);
  expect(secretTemplate).toMatchObject({
    apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET_NAME },
  });
  for (const deployment of deployments) {
    const envFrom = containerOf(deployment).envFrom ?? [];
    const fromConfigMaps = envFrom.flatMap((source) => source.configMapRef?.name ?? []);
    const fromSecrets = envFrom.flatMap((source) => source.secretRef?.name ?? []);
    expect(fromConfigMaps.length).toBeGreaterThan(0);
    for (const name of fromConfigMaps) expect(configMaps).toContain(name);
    expect(fromSecrets).toEqual([SECRET_NAME]);
  }
});

test('Services, autoscalers and disruption budgets point at real Deployments', () => {
  for (const service of ofKind('Service')) {
    const selected = podsSelected(service.spec!.selector!);
    expect(selected.map((deployment) => deployment.metadata.name)).toEqual([service.metadata.name]);
    const portNames = containerOf(selected[0]!).ports!.map((port) => port.name);
    for (const port of service.spec!.ports!) expect(portNames).toContain(port.targetPort);
  }
  const autoscalers = ofKind('HorizontalPodAutoscaler');
  expect(autoscalers.map((hpa) => hpa.spec!.scaleTargetRef!.name).sort()).toEqual(AUTOSCALED);
  for (const hpa of autoscalers) {
    const { scaleTargetRef, minReplicas = 1, maxReplicas = 0 } = hpa.spec!;
    const target = deployments.find(({ metadata }) => metadata.name === scaleTargetRef!.name);
    expect(target).toBeDefined();
    expect(scaleTargetRef!.kind).toBe('Deployment');
    expect(minReplicas).toBeLessThanOrEqual(maxReplicas);
    // Utilisation needs a CPU request to divide by.
    expect(containerOf(target!).resources?.requests?.cpu).toBeDefined();
  }
  for (const budget of ofKind('PodDisruptionBudget')) {
    expect(podsSelected(budget.spec!.selector!.matchLabels!)).toHaveLength(1);
  }
});

test('every variable set is documented and accepted by the configuration loader', () => {
  const documented = documentedVariables();
  const configMap = ofKind('ConfigMap')[0]!.data ?? {};
  const secret = secretTemplate.stringData ?? {};
  const inline = deployments.flatMap((deployment) => containerOf(deployment).env ?? []);
  const names = [...Object.keys(configMap), ...Object.keys(secret), ...inline.map((e) => e.name)];
  expect(names.filter((name) => !documented.has(name))).toEqual([]);
  // The template's placeholders keep the services from starting (JWT_SECRET is too short)...
  expect(() => loadConfig({ ...configMap, ...secret })).toThrow('JWT_SECRET');
  // ...and once filled in, every value has the type and range the loader expects.
  const filled = { ...configMap, ...secret, JWT_SECRET: 'x'.repeat(48) };
  expect(loadConfig(filled)).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: 3000 });
});
