// Issue 8, point 6: /docs/json describes every route completely (success bodies, problem
// answers, headers, security), and the server's answers keep it. Every e2e suite's answers
// are checked against the document by test/support/api.ts; this suite checks the document
// itself, the checker, and that a transfer can be made from the document alone.
import { randomUUID } from 'node:crypto';
import { AUTH_POLICIES, MONEY_ROUTES } from '../../shared/http/rate-limit-policies';
import { call, fund, openWallet, signUp, withRole, type User } from '../support/api';
import { movementLines, storedWalletEvents } from '../support/ledger-checks';
import { contractViolations, toContract } from '../support/openapi-contract';
import { startTestApp, type TestApp } from '../support/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** docs/api.md: these need an Idempotency-Key (400 idempotency_key_required without it). */
const KEY_REQUIRED = new Set([
  'post /v1/transfers',
  'post /v1/payments',
  'post /v1/wallets/{walletId}/top-ups',
  'post /v1/wallets/{walletId}/holds',
  'post /v1/holds/{holdId}/capture',
  'post /v1/admin/wallets/{walletId}/adjustments',
]);
/** Routes without the bearer token (docs/api.md, Auth). */
const PUBLIC = new Set([
  'post /v1/auth/register',
  'post /v1/auth/login',
  'post /v1/auth/refresh',
  'post /v1/webhooks/stripe',
  'get /health/live',
  'get /health/ready',
  'get /metrics',
  // The development mailbox (embedded development mode only, like this test app).
  'get /dev/mailbox',
  // The built-in Stripe simulator's checkout pages (embedded default only): the unguessable
  // session id is the credential, as with Stripe's hosted checkout links.
  'get /simulator/checkout/{sessionId}',
  'post /simulator/checkout/{sessionId}/pay',
  'post /simulator/checkout/{sessionId}/cancel',
  // The web wallet's page and its assets (it signs in by itself).
  'get /',
  'get /assets/{file}',
]);
/** Auth routes manage sessions, not the ledger: no position, no idempotency record. */
const SESSION_ROUTES = new Set([
  'post /v1/auth/login',
  'post /v1/auth/refresh',
  'post /v1/auth/logout',
  'post /v1/webhooks/stripe',
]);
const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const toTemplate = (route: string) => route.replace(/:(\w+)/g, '{$1}');

let app: TestApp;
let document: Json;

beforeAll(async () => {
  app = await startTestApp();
  document = await (await fetch(`${app.url}/docs/json`)).json();
});
afterAll(async () => {
  await app?.stop();
});

function operations(): Array<{ key: string; path: string; method: string; op: Json }> {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Json>).map(([method, op]) => ({
      key: `${method} ${path}`,
      path,
      method,
      op,
    })),
  );
}

/** `METHOD /path` of every route the server serves (Fastify's own table), docs UI aside. */
function servedRoutes(): string[] {
  const stack: string[] = [];
  const served: string[] = [];
  for (const line of app.server.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack[depth] = path;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && !path.startsWith('/docs')) {
        served.push(`${method.toLowerCase()} ${toTemplate(path)}`);
      }
    }
  }
  return served.sort();
}

const headerParam = (op: Json, name: string) =>
  (op.parameters ?? []).find((p: Json) => p.in === 'header' && p.name === name);

/** Every way an operation falls short of docs/api.md's "describe every route completely". */
function shortcomings({ key, path, method, op }: ReturnType<typeof operations>[number]) {
  const found: string[] = [];
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>);
  const successes = responses.filter(([status]) => status.startsWith('2'));
  if (successes.length === 0) found.push(`${key}: no success response`);
  for (const [status, answer] of responses) {
    // @fastify/swagger's placeholder for a status the route declares no schema for.
    if (answer.description === 'Default Response') found.push(`${key}: ${status} has no schema`);
  }
  for (const [status, answer] of successes) {
    const schemas = Object.values(answer.content ?? {}).map((media: Json) => media.schema);
    if (status !== '204' && (schemas.length === 0 || schemas.some((s) => !s?.type && !s?.$ref))) {
      found.push(`${key}: ${status} has no body schema`);
    }
    // CSV, HTML and Prometheus text are declared as what they are: a string, not JSON.
    const contents = Object.entries((answer.content ?? {}) as Record<string, Json>);
    for (const [mediaType, media] of contents) {
      const text = !mediaType.includes('json');
      if (text && JSON.stringify(media.schema) !== JSON.stringify({ type: 'string' })) {
        found.push(`${key}: ${status} ${mediaType} is not a string`);
      }
      if (!text && media.schema?.type === 'string') {
        found.push(`${key}: ${status} ${mediaType} declares a string; say its media type`);
      }
    }
  }
  for (const [status, answer] of responses.filter(([code]) => Number(code) >= 400)) {
    if (JSON.stringify(answer.content) !== JSON.stringify({ 'application/problem+json': { schema: PROBLEM_REF } })) {
      found.push(`${key}: ${status} is not the Problem schema as application/problem+json`);
    }
    if (['429', '503'].includes(status) && answer.headers?.['retry-after']?.required !== true) {
      found.push(`${key}: ${status} without Retry-After`);
    }
  }
  const isPublic = PUBLIC.has(key);
  const secured = JSON.stringify(op.security) === JSON.stringify([{ bearer: [] }]);
  if (isPublic === secured) found.push(`${key}: security should be ${isPublic ? 'none' : 'bearer'}`);
  if (!isPublic && !op.responses?.['401']) found.push(`${key}: no 401`);
  if (path.startsWith('/v1/')) {
    for (const status of ['400', '503']) {
      if (!op.responses?.[status]) found.push(`${key}: no ${status}`);
    }
  }
  const limited =
    AUTH_POLICIES.has(path.replace(/\{(\w+)\}/g, ':$1')) ||
    MONEY_ROUTES.has(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  if (limited && !op.responses?.['429']) found.push(`${key}: rate limited but no 429`);
  const key_ = headerParam(op, 'idempotency-key');
  if (KEY_REQUIRED.has(key) && key_?.required !== true) {
    found.push(`${key}: Idempotency-Key not required`);
  }
  const command = method === 'post' && path.startsWith('/v1/') && !SESSION_ROUTES.has(key);
  const isRegister = key === 'post /v1/auth/register';
  if (command && !isRegister && !KEY_REQUIRED.has(key) && (!key_ || key_.required)) {
    found.push(`${key}: Idempotency-Key should be optional`);
  }
  if (command) {
    for (const [status, answer] of successes) {
      if (answer.headers?.['x-ledger-position']?.required !== true) {
        found.push(`${key}: ${status} without X-Ledger-Position`);
      }
    }
  }
  // Queries read the read models; /v1/me reads the user's own stream, always current.
  const query = method === 'get' && path.startsWith('/v1/') && key !== 'get /v1/me';
  if (query && !headerParam(op, 'x-min-position')) {
    found.push(`${key}: no X-Min-Position`);
  }
  return found;
}

describe('issue 8, point 6: A complete OpenAPI', () => {
  test('every route the server serves is in /docs/json', () => {
    const documented = operations()
      .map(({ key }) => key)
      .sort();
    expect(documented).toEqual(servedRoutes());
    expect(documented).toContain('post /v1/transfers');
  });

  test('every operation declares its bodies, problems, headers and security', () => {
    expect(document.components.securitySchemes.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    const problem = document.components.schemas.Problem;
    expect(problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    );
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(['instance', 'errors', 'transferId', 'paymentId']),
    );
    expect(operations().flatMap(shortcomings)).toEqual([]);
  });

  test('the contract check refuses answers the document does not allow', () => {
    const contract = toContract(document);
    const headers = (entries: Record<string, string>) => new Headers(entries);
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const me = { userId: 'u', email: 'a@b.c', name: 'A', roles: ['customer'], plan: 'FREE' };
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => ({
      status,
      headers: headers({ ...json, ...extra }),
      body,
      text: JSON.stringify(body),
    });
    expect(contractViolations(contract, 'GET', '/v1/me', reply(200, me))).toEqual([]);
    // An undeclared status, an undeclared field, a missing field, a wrong media type.
    expect(contractViolations(contract, 'GET', '/v1/me', reply(418, me))).not.toEqual([]);
    expect(contractViolations(contract, 'GET', '/v1/me', reply(200, { ...me, passwordHash: 'x' })))
      .not.toEqual([]);
    expect(contractViolations(contract, 'GET', '/v1/me', reply(200, { userId: 'u' }))).not.toEqual(
      [],
    );
    expect(
      contractViolations(contract, 'GET', '/v1/me', {
        ...reply(200, me),
        headers: headers({ 'content-type': 'text/html' }),
      }),
    ).not.toEqual([]);
    // A transfer's 201 without X-Ledger-Position; a problem that is not a problem.
    const accepted = {
      transferId: 't',
      status: 'completed',
      sourceWalletId: 'a',
      targetWalletId: 'b',
      amount: '1',
      currency: 'MYR',
    };
    expect(contractViolations(contract, 'POST', '/v1/transfers', reply(201, accepted)))
      .not.toEqual([]);
    expect(
      contractViolations(contract, 'POST', '/v1/transfers', reply(201, accepted, { 'x-ledger-position': 'p' })),
    ).toEqual([]);
    expect(contractViolations(contract, 'POST', '/v1/transfers', reply(400, { error: 'bad' })))
      .not.toEqual([]);
    // Off the document: the router's own 404 passes; a handler's 404 (a route the document
    // leaves out) does not; nor does a schema whose reference resolves to nothing.
    const notFound = (detail: string) => ({
      ...reply(404, {
        type: 'about:blank', title: 'Not Found', status: 404, detail, code: 'not_found',
      }),
      headers: headers({ 'content-type': 'application/problem+json' }),
    });
    expect(contractViolations(contract, 'GET', '/v1/nowhere', notFound('no route GET /v1/nowhere')))
      .toEqual([]);
    expect(contractViolations(contract, 'GET', '/v1/nowhere', notFound('wallet not found')))
      .toEqual(['GET /v1/nowhere -> 404: answered by a route that /docs/json does not declare']);
    const dangling = structuredClone(document);
    dangling.components.schemas.Problem = { $ref: '#/components/schemas/Gone' };
    expect(() => contractViolations(toContract(dangling), 'GET', '/v1/me', notFound('x')))
      .toThrow('unresolved reference #/components/schemas/Gone');
  });

  test('every operation, called without credentials or body, answers as documented', async () => {
    const seen: string[] = [];
    for (const { path, method } of operations()) {
      const concrete = path.replace(/\{\w+\}/g, 'x1');
      // call() fails on any answer /docs/json does not declare.
      const reply = await call(app, method.toUpperCase(), concrete);
      seen.push(`${method} ${path} ${reply.status}`);
    }
    expect(seen).toContain('post /v1/transfers 400');
    expect(seen).toContain('get /v1/me 401');
    expect(seen).toContain('get /metrics 200');
  });

  test('"Try it out": a transfer made from /docs/json alone, retried byte for byte', async () => {
    const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
    const alice: User = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const from = await openWallet(app, alice);
    const to = await openWallet(app, bob);
    expect((await fund(app, admin, from, '5000')).status).toBe(201);

    const operation = document.paths['/v1/transfers'].post;
    const headers: Record<string, string> = {};
    for (const parameter of operation.parameters.filter((p: Json) => p.in === 'header')) {
      if (parameter.required) headers[parameter.name] = randomUUID();
    }
    expect(Object.keys(headers)).toEqual(['idempotency-key']);
    expect(operation.security).toEqual([{ bearer: [] }]);
    const bodySchema = operation.requestBody.content['application/json'].schema;
    const values: Record<string, string> = {
      sourceWalletId: from,
      targetWalletId: to,
      amount: '1250',
      currency: 'MYR',
    };
    const required: string[] = bodySchema.required;
    const body = Object.fromEntries(required.map((name) => [name, values[name]]));

    const first = await call(app, 'POST', '/v1/transfers', { token: alice.token, headers, body });
    expect(first.status).toBe(201);
    const again = await call(app, 'POST', '/v1/transfers', { token: alice.token, headers, body });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);

    const position = first.headers.get('x-ledger-position')!;
    const wallet = await call(app, 'GET', `/v1/wallets/${from}`, {
      token: alice.token,
      headers: { 'x-min-position': position },
    });
    expect(wallet.body.balance).toBe('3750');
    const rejected = await call(app, 'POST', '/v1/transfers', {
      token: alice.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { ...body, amount: '4000' },
    });
    expect(rejected.status).toBe(422);
    expect(rejected.body).toEqual(
      expect.objectContaining({ code: 'insufficient_funds', transferId: expect.any(String) }),
    );
    // In the log: the retried transfer once, the refused one as refused, no other movement.
    expect(movementLines(await storedWalletEvents(app, from))).toEqual([
      expect.stringMatching(/^WalletCredited 5000 /),
      `WalletDebited 1250 ${first.body.transferId}`,
      `TransferRejected insufficient_funds ${rejected.body.transferId}`,
    ]);
    expect(movementLines(await storedWalletEvents(app, to))).toEqual([
      `WalletCredited 1250 ${first.body.transferId}`,
    ]);
  });
});
