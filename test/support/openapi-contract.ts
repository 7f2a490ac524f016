// Checks an answer against the running server's own OpenAPI document (/docs/json): the
// operation for (method, route template) must declare the status, the media type, the
// required response headers, and a body schema the body satisfies. test/support/api.ts runs
// it on every reply, so every e2e scenario also tests the published contract.
import Ajv, { type ValidateFunction } from 'ajv';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export type Contract = Readonly<{
  document: Json;
  operations: ReadonlyArray<{ template: string; pattern: RegExp; methods: Json }>;
  /** Schemas with their references inlined, by the document's schema object. */
  resolved: Map<Json, Json>;
}>;

export type SeenReply = Readonly<{ status: number; headers: Headers; body: unknown; text: string }>;

const TRANSPORT_REFUSALS = new Set([408, 414, 431]);
const contracts = new Map<string, Promise<Contract>>();
const validators = new WeakMap<object, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** The contract of the server at `baseUrl`, fetched once. */
export function contractOf(baseUrl: string): Promise<Contract> {
  let contract = contracts.get(baseUrl);
  if (!contract) {
    contract = fetch(`${baseUrl}/docs/json`)
      .then((response) => response.json())
      .then(toContract);
    contracts.set(baseUrl, contract);
  }
  return contract;
}

export function toContract(document: Json): Contract {
  const operations = Object.entries(document.paths as Record<string, Json>)
    .map(([template, methods]) => ({ template, pattern: templatePattern(template), methods }))
    // Static segments win over parameters, as in Fastify's router.
    .sort((a, b) => paramCount(a.template) - paramCount(b.template));
  return { document, operations, resolved: new Map() };
}

const paramCount = (template: string) => (template.match(/\{/g) ?? []).length;

function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '[^/]*')}$`);
}

/** The route template and operation a request reaches, or null when no route matches. */
export function operationFor(contract: Contract, method: string, path: string) {
  const pathname = path.split('?')[0]!;
  const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  for (const candidate of contract.operations) {
    if (candidate.pattern.test(pathname) && candidate.methods[verb]) {
      return { template: candidate.template, operation: candidate.methods[verb] };
    }
  }
  return null;
}

/** Every way `reply` breaks the contract of `method path`; empty when it keeps it. */
export function contractViolations(
  contract: Contract,
  method: string,
  path: string,
  reply: SeenReply,
): string[] {
  // The OpenAPI UI's own pages are not part of the API.
  if (path === '/docs' || path.startsWith('/docs/')) return [];
  const found = operationFor(contract, method, path);
  const where = `${method} ${found?.template ?? path} -> ${reply.status}`;
  // Refused by the HTTP parser before any route is chosen (headers too large, a request too
  // slow or its URI too long): no operation can declare these, but they are problems too.
  if (TRANSPORT_REFUSALS.has(reply.status)) {
    return reply.text === '' ? [] : bodyViolations(where, problemSchema(contract), reply);
  }
  if (!found) {
    // No route in the document: the not-found handler (404) or a refused URL (400), both
    // problems. Any other answer, or a 404 from a handler (a route the app serves but the
    // document leaves out), is a route missing from the contract, not a pass.
    if (reply.status !== 404 && reply.status !== 400) return [`${where}: no such route`];
    const detail = (reply.body as { detail?: unknown } | null)?.detail;
    if (reply.status === 404 && !String(detail).startsWith('no route ')) {
      return [`${where}: answered by a route that /docs/json does not declare`];
    }
    return bodyViolations(where, problemSchema(contract), reply);
  }
  const declared = found.operation.responses?.[String(reply.status)];
  if (!declared) return [`${where}: status not declared`];
  const problems: string[] = [];
  for (const [name, header] of Object.entries((declared.headers ?? {}) as Record<string, Json>)) {
    if (header.required && reply.headers.get(name) === null) {
      problems.push(`${where}: required header ${name} missing`);
    }
  }
  if (method.toUpperCase() === 'HEAD') return problems;
  if (!declared.content) {
    if (reply.text !== '') problems.push(`${where}: a body where none is declared`);
    return problems;
  }
  const mediaType = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = declared.content[mediaType];
  if (!media) return [...problems, `${where}: media type ${mediaType} not declared`];
  if (!mediaType.includes('json')) return problems;
  return [...problems, ...bodyViolations(where, resolveRefs(contract, media.schema), reply)];
}

function bodyViolations(where: string, schema: Json, reply: SeenReply): string[] {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  if (validate(reply.body)) return [];
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return [`${where}: body breaks its schema (${errors.join('; ')}): ${reply.text.slice(0, 300)}`];
}

const problemSchema = (contract: Contract) =>
  resolveRefs(contract, contract.document.components.schemas.Problem);

/** The schema with `#/components/schemas/...` references inlined (ours have no cycles). */
function resolveRefs(contract: Contract, schema: Json): Json {
  const known = contract.resolved.get(schema);
  if (known) return known;
  const inline = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(inline);
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.replace('#/components/schemas/', '');
      const target = contract.document.components?.schemas?.[name];
      // An unresolved reference would validate nothing and pass every body.
      if (target === undefined) throw new Error(`/docs/json: unresolved reference ${node.$ref}`);
      return inline(target);
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(value)]));
  };
  const resolved = inline(schema);
  contract.resolved.set(schema, resolved);
  return resolved;
}

/** Throws when the reply breaks the contract, naming each way it does. */
export async function assertKeepsContract(
  baseUrl: string,
  method: string,
  path: string,
  reply: SeenReply,
): Promise<void> {
  const violations = contractViolations(await contractOf(baseUrl), method, path, reply);
  if (violations.length > 0) {
    throw new Error(`the answer breaks /docs/json:\n  ${violations.join('\n  ')}`);
  }
}
