// The routes the point 3 fuzz test walks: every route of the app's route table, with a valid
// request to start from (real ids, the right caller, a body that would be accepted), built
// from the OpenAPI document at /docs/json. A route this file cannot build a valid request for
// fails the test, never is skipped: a new route gets fuzzed or the test says what it lacks.
import { randomUUID } from 'node:crypto';
import { call, logIn, PASSWORD, type User } from './api';
import type { TestApp } from './test-app';
import { routesOfTree } from './point-3-fuzz';

export type Actors = Readonly<{
  owner: User; // owns `source`, `holdId`, `transferId`
  admin: User; // admin and auditor
  merchant: User;
  spare: User; // its wallet takes admin actions; its refresh token is the one fuzzed
  source: string;
  target: string;
  spareWallet: string;
  holdId: string;
  transferId: string;
}>;

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};
type Operation = {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};

export type RouteCase = Readonly<{
  method: string;
  url: string; // the Fastify template, e.g. /v1/wallets/:walletId/holds
  pathParams: string[];
  queryParams: string[];
  bodyFields: Record<string, JsonSchema>;
  hasBodySchema: boolean;
  /** A valid request: path values, query values, body (fresh where a value is single-use). */
  base(): { path: Record<string, string>; query: Record<string, string>; body?: object };
  token(): Promise<string | undefined>;
}>;

// Routes that are deliberately not in the OpenAPI document: they take no body and no query.
const OPERATIONAL = /^\/(docs|health\/|metrics)/;

const pathValues = (actors: Actors, url: string): Record<string, string> => {
  const admin = url.startsWith('/v1/admin/');
  return {
    walletId: admin ? actors.spareWallet : actors.source,
    holdId: actors.holdId,
    transferId: actors.transferId,
    transactionId: actors.transferId,
    paymentId: actors.transferId,
    topUpId: `top-up-${randomUUID()}`,
    // The built-in Stripe simulator's pages (a well-formed id of no session).
    sessionId: 'cs_sim_0123456789abcdef',
    // The web wallet's assets (a well-formed name of no file: 404).
    file: 'index-0123abcd.js',
    streamId: `wallet-${actors.source}`,
    userId: actors.owner.userId,
    month: '2026-12',
    'yyyy-mm': '2026-12',
    '*': 'static/index.html',
  };
};

const queryValues = (actors: Actors): Record<string, string> => ({
  limit: '5',
  at: new Date().toISOString(),
  from: '2026-01-01T00:00:00Z',
  to: new Date().toISOString(),
  month: '2026-12',
  kind: 'transfer',
  counterpartyWalletId: actors.target,
  ownerEmail: actors.owner.email,
  ownerId: actors.owner.userId,
});

const bodyValues = (actors: Actors): Record<string, unknown> => ({
  email: `fuzz-${randomUUID()}@example.com`,
  password: PASSWORD,
  name: 'Fuzz',
  refreshToken: actors.spare.refreshToken,
  sourceWalletId: actors.source,
  targetWalletId: actors.target,
  merchantId: actors.merchant.userId,
  amount: '1',
  currency: 'MYR',
  note: 'fuzz',
  reason: 'fuzz',
  reference: 'fuzz',
  direction: 'credit',
});

/** A valid value from the schema alone, or undefined when it needs real data (an id). */
function sampleOf(schema: JsonSchema): unknown {
  if (schema.enum !== undefined) return schema.enum[0];
  if (schema.type === 'string' && schema.pattern === undefined) return 'fuzz';
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return false;
  return undefined;
}

function baseBody(actors: Actors, fields: Record<string, JsonSchema>, required: string[]) {
  const known = bodyValues(actors);
  const body: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(fields)) {
    const value = name in known ? known[name] : sampleOf(schema);
    if (value !== undefined && (name in known || required.includes(name))) body[name] = value;
    else if (required.includes(name)) missing.push(name);
  }
  return { body, missing };
}

function tokenFor(app: TestApp, actors: Actors, url: string) {
  if (url === '/v1/auth/logout') {
    // Logging out ends a session: each request gets a fresh one of the spare user.
    return async () => (await logIn(app, actors.spare.email, actors.spare.userId)).token;
  }
  if (/^\/v1\/(admin|audit)\//.test(url)) return async () => actors.admin.token;
  return async () => actors.owner.token;
}

function operationOf(doc: { paths: Record<string, Record<string, Operation>> }, method: string,
  url: string): Operation | undefined {
  const openApiPath = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return doc.paths[openApiPath]?.[method.toLowerCase()];
}

/**
 * Every route with a valid base request. HEAD is fuzzed through its GET twin; a HEAD without
 * one, a route missing from /docs/json or one without valid values throws, naming every such
 * route, so that no route is ever left out unnoticed.
 */
export async function routeCases(app: TestApp, actors: Actors): Promise<RouteCase[]> {
  const doc = (await call(app, 'GET', '/docs/json')).body;
  const cases: RouteCase[] = [];
  const unfuzzable: string[] = [];
  const routes = routesOfTree(app.server.app.printRoutes({ commonPrefix: false }));
  if (routes.length === 0) throw new Error('the route table lists no route');
  for (const { method, url } of routes) {
    if (method === 'HEAD') {
      const twin = routes.some((route) => route.method === 'GET' && route.url === url);
      if (!twin) unfuzzable.push(`HEAD ${url}: no GET twin to fuzz it through`);
      continue;
    }
    const operation = operationOf(doc, method, url);
    if (operation === undefined && !OPERATIONAL.test(url)) {
      unfuzzable.push(`${method} ${url}: not in /docs/json`);
      continue;
    }
    const pathParams = [...url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((m) => m[1] ?? '*');
    const parameters = operation?.parameters ?? [];
    const queryParams = parameters.filter((p) => p.in === 'query').map((p) => p.name);
    const requiredQuery = parameters.filter((p) => p.in === 'query' && p.required);
    const schema = operation?.requestBody?.content?.['application/json']?.schema;
    const fields = schema?.properties ?? {};
    const missing = [
      ...pathParams.filter((name) => !(name in pathValues(actors, url))).map((n) => `path ${n}`),
      ...requiredQuery.filter((p) => !(p.name in queryValues(actors))).map((p) => `query ${p.name}`),
      ...baseBody(actors, fields, schema?.required ?? []).missing.map((name) => `body ${name}`),
    ];
    if (missing.length > 0) {
      unfuzzable.push(`${method} ${url}: no valid value for ${missing.join(', ')}`);
      continue;
    }
    cases.push({
      method, url, pathParams, queryParams, bodyFields: fields, hasBodySchema: !!schema,
      token: tokenFor(app, actors, url),
      base: () => {
        const values = queryValues(actors);
        const query = Object.fromEntries(requiredQuery.map((p) => [p.name, values[p.name]!]));
        const path = pathValues(actors, url);
        if (!schema) return { path, query };
        return { path, query, body: baseBody(actors, fields, schema.required ?? []).body };
      },
    });
  }
  if (unfuzzable.length > 0) {
    throw new Error(`routes the fuzz test cannot cover:\n  ${unfuzzable.join('\n  ')}`);
  }
  return cases;
}
