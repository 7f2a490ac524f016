// An offline schema check for the Kubernetes objects infra/k8s uses: a vendored subset of
// the API's OpenAPI schema (apps/v1 Deployment, v1 Service and ConfigMap, autoscaling/v2
// HorizontalPodAutoscaler, policy/v1 PodDisruptionBudget), strict like `kubectl apply
// --validate=strict`: a misspelt field (`livenesProbe`) or a wrong type is an error. Only the
// fields these manifests may use are listed; adding one means adding it here, from the
// Kubernetes API reference. No cluster or network is needed (none answers on CI machines).

type Schema =
  | 'string' | 'integer' | 'boolean' | 'int-or-string' | 'quantity'
  | { object: Readonly<Record<string, Schema>>; required?: readonly string[] }
  | { array: Schema }
  | { map: Schema };

const obj = (fields: Record<string, Schema>, required: string[] = []): Schema =>
  ({ object: fields, required });
const array = (items: Schema): Schema => ({ array: items });
const stringMap: Schema = { map: 'string' };

const objectMeta = obj(
  { name: 'string', namespace: 'string', labels: stringMap, annotations: stringMap },
  ['name'],
);
const labelSelector = obj({ matchLabels: stringMap }, ['matchLabels']);
const httpProbe = obj({
  httpGet: obj({ path: 'string', port: 'int-or-string', scheme: 'string' }, ['path', 'port']),
  initialDelaySeconds: 'integer', periodSeconds: 'integer', timeoutSeconds: 'integer',
  failureThreshold: 'integer', successThreshold: 'integer',
}, ['httpGet']);
const resourceList = obj({ cpu: 'quantity', memory: 'quantity', 'ephemeral-storage': 'quantity' });
const container = obj({
  name: 'string', image: 'string', imagePullPolicy: 'string',
  command: array('string'), args: array('string'), workingDir: 'string',
  ports: array(obj(
    { name: 'string', containerPort: 'integer', protocol: 'string' },
    ['containerPort'],
  )),
  env: array(obj({ name: 'string', value: 'string' }, ['name'])),
  envFrom: array(obj({
    configMapRef: obj({ name: 'string', optional: 'boolean' }, ['name']),
    secretRef: obj({ name: 'string', optional: 'boolean' }, ['name']),
  })),
  startupProbe: httpProbe, livenessProbe: httpProbe, readinessProbe: httpProbe,
  resources: obj({ requests: resourceList, limits: resourceList }),
  securityContext: obj({
    allowPrivilegeEscalation: 'boolean', readOnlyRootFilesystem: 'boolean',
    runAsNonRoot: 'boolean', runAsUser: 'integer', runAsGroup: 'integer',
    capabilities: obj({ drop: array('string'), add: array('string') }),
  }),
  volumeMounts: array(obj(
    { name: 'string', mountPath: 'string', readOnly: 'boolean' },
    ['name', 'mountPath'],
  )),
}, ['name', 'image']);
const podSpec = obj({
  automountServiceAccountToken: 'boolean', terminationGracePeriodSeconds: 'integer',
  serviceAccountName: 'string',
  securityContext: obj({
    runAsNonRoot: 'boolean', runAsUser: 'integer', runAsGroup: 'integer', fsGroup: 'integer',
    seccompProfile: obj({ type: 'string' }, ['type']),
  }),
  containers: array(container),
  volumes: array(obj({
    name: 'string', emptyDir: obj({ medium: 'string', sizeLimit: 'quantity' }),
  }, ['name'])),
}, ['containers']);

const deployment = obj({
  replicas: 'integer', revisionHistoryLimit: 'integer', selector: labelSelector,
  strategy: obj({
    type: 'string',
    rollingUpdate: obj({ maxSurge: 'int-or-string', maxUnavailable: 'int-or-string' }),
  }),
  template: obj(
    { metadata: obj({ labels: stringMap, annotations: stringMap }), spec: podSpec },
    ['metadata', 'spec'],
  ),
}, ['selector', 'template']);
const service = obj({
  type: 'string', selector: stringMap,
  ports: array(obj(
    { name: 'string', port: 'integer', targetPort: 'int-or-string', protocol: 'string' },
    ['port'],
  )),
}, ['selector', 'ports']);
const hpa = obj({
  scaleTargetRef: obj({ apiVersion: 'string', kind: 'string', name: 'string' }, ['kind', 'name']),
  minReplicas: 'integer', maxReplicas: 'integer',
  metrics: array(obj({
    type: 'string',
    resource: obj({
      name: 'string',
      target: obj({ type: 'string', averageUtilization: 'integer' }, ['type']),
    }, ['name', 'target']),
  }, ['type'])),
  behavior: obj({
    scaleDown: obj({ stabilizationWindowSeconds: 'integer' }),
    scaleUp: obj({ stabilizationWindowSeconds: 'integer' }),
  }),
}, ['scaleTargetRef', 'maxReplicas']);
const pdb = obj(
  { minAvailable: 'int-or-string', maxUnavailable: 'int-or-string', selector: labelSelector },
  ['selector'],
);

/** An object of `kind` with its metadata and `body` (spec, data...) beside it. */
const topLevel = (body: Record<string, Schema>, required: string[]): Schema =>
  obj(
    { apiVersion: 'string', kind: 'string', metadata: objectMeta, ...body },
    ['metadata', ...required],
  );

/** Top-level schema of each `apiVersion kind` the manifests may contain. */
export const KNOWN_KINDS: ReadonlyMap<string, Schema> = new Map([
  ['v1 ConfigMap', topLevel({ data: stringMap }, [])],
  ['v1 Secret', topLevel({ type: 'string', stringData: stringMap }, [])],
  ['v1 Service', topLevel({ spec: service }, ['spec'])],
  ['apps/v1 Deployment', topLevel({ spec: deployment }, ['spec'])],
  ['autoscaling/v2 HorizontalPodAutoscaler', topLevel({ spec: hpa }, ['spec'])],
  ['policy/v1 PodDisruptionBudget', topLevel({ spec: pdb }, ['spec'])],
]);

/** Kubernetes quantities: `250m`, `1`, `768Mi`, `1.5Gi`. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Every way `document` departs from its kind's schema; empty when it conforms. */
export function schemaProblems(document: unknown): string[] {
  const head = document as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  const key = `${String(head?.apiVersion)} ${String(head?.kind)}`;
  const schema = KNOWN_KINDS.get(key);
  if (!schema) return [`unknown apiVersion and kind: ${key}`];
  const name = String(head.metadata?.name);
  const problems = check(document, schema, `${head.kind}/${name}`);
  if (!DNS_LABEL.test(name)) problems.push(`${head.kind}/${name}: name is not a DNS label`);
  return problems;
}

function check(value: unknown, schema: Schema, path: string): string[] {
  if (schema === 'string') return typeof value === 'string' ? [] : [`${path}: not a string`];
  if (schema === 'boolean') return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
  if (schema === 'integer') return Number.isInteger(value) ? [] : [`${path}: not an integer`];
  if (schema === 'int-or-string') {
    const fits = Number.isInteger(value) || typeof value === 'string';
    return fits ? [] : [`${path}: not int-or-string`];
  }
  if (schema === 'quantity') {
    const text = typeof value === 'number' ? String(value) : value;
    return typeof text === 'string' && QUANTITY.test(text) ? [] : [`${path}: not a quantity`];
  }
  if ('array' in schema) {
    if (!Array.isArray(value)) return [`${path}: not a list`];
    return value.flatMap((item, index) => check(item, schema.array, `${path}[${index}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${path}: not an object`];
  }
  const entries = Object.entries(value);
  if ('map' in schema) {
    return entries.flatMap(([key, item]) => check(item, schema.map, `${path}.${key}`));
  }
  const problems = (schema.required ?? [])
    .filter((field) => !(field in value))
    .map((field) => `${path}.${field}: required`);
  for (const [field, item] of entries) {
    const fieldSchema = schema.object[field];
    if (!fieldSchema) problems.push(`${path}.${field}: unknown field`);
    else problems.push(...check(item, fieldSchema, `${path}.${field}`));
  }
  return problems;
}
