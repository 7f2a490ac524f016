// Goal: user input never causes a 500 (docs/api.md, Conventions). fast-check fuzzes every
// route of the route table (bodies, query strings, headers, path ids) with NUL, lone
// surrogates, controls, huge strings, wrong types and raw bytes, sent by real callers (the
// owner of the ids, an admin and auditor) so that authorization hides no validation. Every
// answer must be a 4xx problem or a success, never a 5xx; a refused request stores nothing;
// X-Request-Id is echoed only when it is a short token. Then the e-mail, text and request-id
// conventions are pinned down with named cases.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  call, fund, openWallet, PASSWORD, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import { CLI_TIMEOUT_MS, runTng } from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  anyHeaderValue, anySegment, anyText, anyValue, percentEncode, sendRaw, type RawReply,
  type RawRequest,
} from '../support/point-3-fuzz';
import { routeCases, type Actors, type RouteCase } from '../support/point-3-routes';

const FUZZ_RUNS = Number(process.env.POINT3_FUZZ_RUNS ?? 50);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FUZZED_HEADERS = [
  'x-request-id', 'idempotency-key', 'x-min-position', 'authorization', 'accept',
  'last-event-id', 'origin', 'cookie', 'stripe-signature', 'x-forwarded-for', 'range',
] as const;
const SEGMENTS = ['%00', 'a%00b', '%ED%A0%80', '%C0%80', 'x'.repeat(5_000)];
const TRAVERSALS = [
  'static/../../etc/passwd', '../../../../etc/passwd', 'static/%00', 'static/%2e%2e/%2e%2e/x',
  'static/..%2f..%2fpackage.json', '%c0%ae%c0%ae/x',
];

let app: TestApp;
let actors: Actors;
let requestCount = 0;

beforeAll(async () => {
  // A short read-your-writes wait: a fuzzed X-Min-Position ahead of the ledger answers soon.
  app = await startTestApp({ env: { READ_YOUR_WRITES_WAIT_MS_MAX: '200' } });
  const admin = await withRole(app, await withRole(app, await signUp(app, 'admin'), 'auditor'),
    'admin');
  const owner = await signUp(app, 'owner');
  const spare = await signUp(app, 'spare');
  const merchant = await withRole(app, await signUp(app, 'merchant'), 'merchant');
  const source = await openWallet(app, owner);
  const target = await openWallet(app, await signUp(app, 'friend'));
  const spareWallet = await openWallet(app, spare);
  expect((await fund(app, admin, source, '100000')).status).toBe(201);
  const hold = await call(app, 'POST', `/v1/wallets/${source}/holds`, {
    token: owner.token, headers: { 'idempotency-key': randomUUID() },
    body: { amount: '100', currency: 'MYR', reason: 'deposit' },
  });
  const moved = await transfer(app, owner, { sourceWalletId: source, targetWalletId: target,
    amount: '1' });
  expect([hold.status, moved.status]).toEqual([201, 201]);
  actors = {
    owner, admin, merchant, spare, source, target, spareWallet,
    holdId: hold.body.holdId, transferId: moved.body.transferId,
  };
}, 60_000);
afterAll(() => app?.stop());

type Mutation = {
  param?: { name: string; value: string };
  query?: { name: string; value: string };
  body?: { fields: Array<[string, unknown]> } | { json: unknown } | { raw: string | Buffer };
  header?: { name: string; value: string };
  contentType?: string;
};

const maybe = <T>(arbitrary: fc.Arbitrary<T>, percent: number) =>
  fc.oneof(
    { weight: percent, arbitrary },
    { weight: 100 - percent, arbitrary: fc.constant(undefined) },
  );

function mutations(route: RouteCase): fc.Arbitrary<Mutation> {
  const keys = Object.keys(route.bodyFields);
  const key = fc.oneof(
    ...(keys.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...keys) }] : []),
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('__proto__', 'constructor'), anyText) },
  );
  const body = fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.tuple(key, anyValue), { minLength: 1, maxLength: 3 })
      .map((fields) => ({ fields })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.oneof(anyText, fc.uint8Array({ maxLength: 300 })
      .map((bytes) => Buffer.from(bytes))).map((raw) => ({ raw })) },
  );
  const params = route.pathParams;
  const paramValue = (name: string) =>
    name === '*' ? fc.oneof(fc.constantFrom(...TRAVERSALS), anySegment) : anySegment;
  const queryNames = [...route.queryParams, 'limit', 'cursor', 'x'];
  return fc.record({
    param: params.length === 0 ? fc.constant(undefined) : maybe(fc.constantFrom(...params)
      .chain((name) => paramValue(name).map((value) => ({ name, value }))), 25),
    query: maybe(fc.record({ name: fc.constantFrom(...queryNames), value: anySegment }), 20),
    body: maybe(body, route.method === 'GET' ? 10 : 75),
    header: maybe(fc.record({ name: fc.constantFrom(...FUZZED_HEADERS), value: anyHeaderValue }),
      30),
    contentType: maybe(fc.constantFrom('text/plain', 'application/json; charset=latin1',
      'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'a/b'), 8),
  });
}

/** Named hostile values for every field, path id and header, tried before random ones. */
function namedCases(route: RouteCase): Mutation[] {
  const texts: unknown[] = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u0085', 'x'.repeat(200_000),
    '😀'.repeat(150), 'e\u0301', 42, null];
  return [
    ...Object.keys(route.bodyFields).flatMap((key) =>
      texts.map((value): Mutation => ({ body: { fields: [[key, value]] } }))),
    ...route.pathParams.flatMap((name) =>
      (name === '*' ? TRAVERSALS : SEGMENTS).map((value): Mutation => ({ param: { name, value } }))),
    ...route.queryParams.flatMap((name) =>
      SEGMENTS.map((value): Mutation => ({ query: { name, value } }))),
    { header: { name: 'x-request-id', value: 'r'.repeat(12_000) } },
    { header: { name: 'x-request-id', value: 'bad id é' } },
    { header: { name: 'idempotency-key', value: 'é'.repeat(300) } },
    { header: { name: 'x-min-position', value: '\u00ff' } },
  ];
}

async function requestOf(route: RouteCase, mutation: Mutation): Promise<RawRequest> {
  const base = route.base();
  const path = route.url.replace(/:([A-Za-z0-9_]+)|\*/g, (_whole, name?: string) => {
    const param = name ?? '*';
    if (mutation.param?.name === param) return mutation.param.value;
    return param === '*' ? base.path[param]! : percentEncode(base.path[param]!);
  });
  const query = Object.entries(base.query).map(([k, v]) => `${k}=${percentEncode(v)}`);
  if (mutation.query) query.push(`${percentEncode(mutation.query.name)}=${mutation.query.value}`);
  let body: string | Buffer | undefined = base.body ? JSON.stringify(base.body) : undefined;
  if (mutation.body && 'fields' in mutation.body) {
    const fields = Object.fromEntries(mutation.body.fields);
    body = JSON.stringify({ ...base.body, ...fields });
  } else if (mutation.body && 'json' in mutation.body) body = JSON.stringify(mutation.body.json);
  else if (mutation.body) body = mutation.body.raw;
  const token = await route.token();
  const headers: Record<string, string> = {
    'x-request-id': `fuzz-${++requestCount}`,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(route.method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
    ...(body !== undefined ? { 'content-type': mutation.contentType ?? 'application/json' } : {}),
  };
  if (mutation.header) headers[mutation.header.name] = mutation.header.value;
  return { method: route.method, path: `${path}${query.length ? `?${query.join('&')}` : ''}`,
    headers, body };
}

const headPosition = async () =>
  (await app.server.runtime.pool.query<{ head: string }>(
    'select coalesce(max(global_position), 0)::text as head from events',
  )).rows[0]!.head;

/**
 * Whether requests stored events after position `since`. Only events with a request id
 * count: a fuzzed hold may expire meanwhile, and the expiry saga's events carry none.
 */
async function storedSince(since: string): Promise<boolean> {
  const stored = await app.server.runtime.pool.query<{ events: string }>(
    `select count(*)::text as events from events
      where global_position > $1 and metadata ? 'requestId'`, [since]);
  return stored.rows[0]!.events !== '0';
}

/** What is wrong with `reply` to `request`, if anything. */
function faultOf(request: RawRequest, reply: RawReply, stored: boolean): string | undefined {
  const type = String(reply.headers['content-type'] ?? '');
  const lagging = reply.status === 503 && /"code":"projection_lagging"/.test(reply.text);
  if (reply.status >= 500 && !lagging) return `answered ${reply.status}: ${reply.text}`;
  if (reply.status >= 400 && !type.startsWith('application/problem+json')) {
    return `answered ${reply.status} as ${type}`;
  }
  // 422 is a business rejection: a refused transfer is recorded as failed by design.
  if (reply.status >= 400 && reply.status !== 422 && stored) return `${reply.status} stored events`;
  // Node refuses some requests before they are parsed (headers over 16 KiB with a long path):
  // there is no request, hence no id to echo.
  if (/"detail":"the request could not be read"/.test(reply.text)) return undefined;
  const sent = request.headers['x-request-id']!;
  const echoed = reply.headers['x-request-id'];
  const expected = REQUEST_ID.test(sent) ? sent : 'a generated id';
  if (typeof echoed !== 'string' || !REQUEST_ID.test(echoed) ||
    (REQUEST_ID.test(sent) ? echoed !== sent : echoed === sent)) {
    return `X-Request-Id echoed as ${String(echoed).slice(0, 40)}, not ${expected}`;
  }
  return undefined;
}

const shown = (value: unknown) => JSON.stringify(value, (_key, v: unknown) =>
  (typeof v === 'string' && v.length > 120 ? `${v.slice(0, 60)}…(${v.length} chars)` : v));

async function fuzz(route: RouteCase): Promise<string | undefined> {
  const property = fc.asyncProperty(mutations(route), async (mutation) => {
    const request = await requestOf(route, mutation);
    const before = await headPosition();
    const reply = await sendRaw(app.url, request);
    const fault = faultOf(request, reply, await storedSince(before));
    if (fault !== undefined) throw new Error(`${fault}\n  mutation: ${shown(mutation)}`);
  });
  const examples = namedCases(route).map((mutation): [Mutation] => [mutation]);
  const details = await fc.check(property, {
    // fast-check counts the examples among numRuns: the random runs come on top.
    numRuns: examples.length + FUZZ_RUNS, examples, endOnFailure: true,
    interruptAfterTimeLimit: 20_000,
  });
  const name = `${route.method} ${route.url}`;
  if (details.failed) return `${name}: ${String(details.errorInstance).slice(0, 600)}`;
  // Out of time, random runs may be cut short, never the named hostile values.
  if (details.numRuns < examples.length) return `${name}: only ${details.numRuns} runs`;
  return undefined;
}

/** The same address in fullwidth forms, which NFKC folds back to ASCII. */
const fullwidth = (text: string) =>
  text.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));

const register = (email: string, name = 'Alice') =>
  call(app, 'POST', '/v1/auth/register', { body: { email, password: PASSWORD, name } });
const login = (email: string) =>
  call(app, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
const codeOf = (reply: { status: number; body: { code?: unknown } | null }) =>
  [reply.status, reply.body?.code];

describe('issue 8, point 3: user input never causes a 500', () => {
  test('every route of the route table can be fuzzed, and none answers 5xx or stores a '
    + 'refused request', async () => {
    const cases = await routeCases(app, actors);
    expect(cases.map((route) => route.url)).toEqual(expect.arrayContaining([
      '/v1/auth/register', '/v1/transfers', '/v1/payments', '/docs/*',
    ]));
    const faults: string[] = [];
    for (const route of cases) {
      const fault = await fuzz(route);
      if (fault !== undefined) faults.push(fault);
    }
    expect(faults).toEqual([]);
  }, 120_000);

  test('an e-mail is one account however it is cased or spelt in NFKC-equivalent forms',
    async () => {
      const tag = randomUUID().slice(0, 8);
      const email = `alice.${tag}@example.com`;
      const registered = await register(`  Alice.${tag}@Example.COM `);
      expect(registered.status).toBe(201);
      const spellings = [email, email.toUpperCase(), `\t${email} `, fullwidth(email)];
      const users: string[] = [];
      for (const spelling of spellings) {
        const session = await login(spelling);
        expect([spelling, session.status]).toEqual([spelling, 200]);
        const me = await call(app, 'GET', '/v1/me', { token: session.body.accessToken });
        users.push(`${me.body.userId} ${me.body.email}`);
      }
      expect(users).toEqual(spellings.map(() => `${registered.body.userId} ${email}`));
      const duplicates = await Promise.all(
        [email.toUpperCase(), fullwidth(email), ` ${email}`].map((twin) => register(twin)));
      expect(duplicates.map(codeOf)).toEqual(duplicates.map(() => [409, 'email_taken']));
    });

  test('tng users grant-role finds a user by any spelling of the e-mail and refuses '
    + 'look-alikes', async () => {
    const tag = randomUUID().slice(0, 8);
    const registered = await register(`bob.${tag}@example.com`);
    expect(registered.status).toBe(201);
    const granted = await runTng(app.db.url, 'users', 'grant-role', '--json',
      ` BOB.${tag}@Example.COM`, 'auditor');
    expect([granted.code, JSON.parse(granted.stdout).userId]).toEqual([0, registered.body.userId]);
    const lookAlike = await runTng(app.db.url, 'users', 'grant-role',
      `b\u043eb.${tag}@example.com`, 'auditor'); // Cyrillic "о"
    expect([lookAlike.code, lookAlike.stderr]).toEqual([2, expect.stringContaining('one script')]);
  }, 2 * CLI_TIMEOUT_MS);

  test('look-alike, invisible, dotted and control-laden e-mails are refused with 400',
    async () => {
      const tag = randomUUID().slice(0, 8);
      const refused = [
        `\u0430lice.${tag}@example.com`, // Cyrillic "а" among Latin letters
        `alice.${tag}@ex\u0430mple.com`,
        `alice.${tag}@\u0435xample.com`,
        `ali\u200bce.${tag}@example.com`, // zero-width space
        `alice\u200d.${tag}@example.com`, // zero-width joiner
        `alice.${tag}@example.com\u202e`, // right-to-left override
        `ali\u00adce.${tag}@example.com`, // soft hyphen
        `alice.${tag}@example.com.`, // trailing dot
        `alice.${tag}@example..com`,
        `alice\u0000.${tag}@example.com`,
        `alice\ud800.${tag}@example.com`,
        `ali ce.${tag}@example.com`,
      ];
      const before = await headPosition();
      const registrations = await Promise.all(refused.map((email) => register(email)));
      const logins = await Promise.all(refused.map((email) => login(email)));
      expect([...registrations, ...logins].map(codeOf))
        .toEqual([...refused, ...refused].map(() => [400, 'invalid_request']));
      expect(await storedSince(before)).toBe(false);
    });

  test('text fields are stored in NFC, up to 200 characters', async () => {
    const requestId = `nfc-${randomUUID()}`;
    const decomposed = 'e\u0301'.repeat(200); // 400 code units, 200 characters once composed
    const sent = await call(app, 'POST', '/v1/transfers', {
      token: actors.owner.token,
      headers: { 'idempotency-key': randomUUID(), 'x-request-id': requestId },
      body: { sourceWalletId: actors.source, targetWalletId: actors.target, amount: '1',
        currency: 'MYR', note: decomposed },
    });
    expect(sent.status).toBe(201);
    const notes = await app.server.runtime.pool.query<{ note: string }>(
      `select data->>'note' as note from events
        where metadata->>'requestId' = $1 and data ? 'note'`, [requestId]);
    expect(notes.rows.length).toBeGreaterThan(0);
    expect(new Set(notes.rows.map((row) => row.note))).toEqual(new Set(['\u00e9'.repeat(200)]));
    const email = `zoe-${randomUUID().slice(0, 8)}@example.com`;
    expect((await register(email, 'Zoe\u0301')).status).toBe(201);
    const me = await call(app, 'GET', '/v1/me', { token: (await login(email)).body.accessToken });
    expect(me.body.name).toBe('Zo\u00e9');
  });

  test('names, notes, reasons and references with controls, lone surrogates or over 200 '
    + 'characters are refused with 400 and store nothing', async () => {
    const { owner, admin, merchant, source, target, spareWallet } = actors;
    const post = (user: User, path: string, body: object) => call(app, 'POST', path, {
      token: user.token, headers: { 'idempotency-key': randomUUID() }, body,
    });
    const fields: Array<[string, (text: string) => Promise<Reply>]> = [
      ['name', (text) => register(`n-${randomUUID()}@example.com`, text)],
      ['note', (text) => post(owner, '/v1/transfers', {
        sourceWalletId: source, targetWalletId: target, amount: '1', currency: 'MYR', note: text,
      })],
      ['reference', (text) => post(owner, '/v1/payments', {
        sourceWalletId: source, merchantId: merchant.userId, amount: '1', currency: 'MYR',
        reference: text,
      })],
      ['hold reason', (text) => post(owner, `/v1/wallets/${source}/holds`, {
        amount: '1', currency: 'MYR', reason: text,
      })],
      ['freeze reason', (text) => post(admin, `/v1/admin/wallets/${spareWallet}/freeze`, {
        reason: text,
      })],
      ['adjustment reason', (text) => post(admin, `/v1/admin/wallets/${spareWallet}/adjustments`,
        { amount: '1', currency: 'MYR', direction: 'credit', reason: text })],
    ];
    const texts = ['\u0000', 'a\u0000b', '\ud800', 'b\udc00', '\u0085', '\u001b[2J', '\u007f',
      'x'.repeat(201), 'e\u0301'.repeat(201)];
    const before = await headPosition();
    const seen: Array<[string, string, unknown]> = [];
    for (const [field, send] of fields) {
      for (const text of texts) {
        const reply = await send(text);
        seen.push([field, JSON.stringify(text).slice(0, 20), codeOf(reply)]);
      }
    }
    expect(seen).toEqual(seen.map(([field, text]) => [field, text, [400, 'invalid_request']]));
    expect(await storedSince(before)).toBe(false);
  });

  test('X-Request-Id: a short token is echoed and recorded; anything else is replaced',
    async () => {
      const token = `trace-${randomUUID()}:1.2`;
      const refused = ['r'.repeat(12_000), 'r'.repeat(129), 'bad id', 'caf\u00e9', 'a/b', ''];
      const ids: string[] = [];
      for (const sent of [token, ...refused]) {
        const reply = await call(app, 'POST', '/v1/transfers', {
          token: actors.owner.token,
          headers: { 'idempotency-key': randomUUID(), 'x-request-id': sent },
          body: { sourceWalletId: actors.source, targetWalletId: actors.target, amount: '1',
            currency: 'MYR' },
        });
        expect(reply.status).toBe(201);
        ids.push(reply.headers.get('x-request-id') ?? '');
      }
      expect(ids[0]).toBe(token);
      for (const [index, id] of ids.slice(1).entries()) {
        expect([id === refused[index], /^[A-Za-z0-9._:-]{1,128}$/.test(id)]).toEqual([false, true]);
      }
      const recorded = await app.server.runtime.pool.query<{ id: string; events: string }>(
        `select metadata->>'requestId' as id, count(*)::text as events from events
          where metadata->>'requestId' = any($1) group by 1`, [ids]);
      expect(new Set(recorded.rows.map((row) => row.id))).toEqual(new Set(ids));
      const long = await app.server.runtime.pool.query<{ events: string }>(
        `select count(*)::text as events from events
          where length(metadata->>'requestId') > 128
             or metadata->>'requestId' !~ '^[A-Za-z0-9._:-]+$'`);
      expect(long.rows[0]!.events).toBe('0');
    });

  test('refusals by Fastify and its plugins keep their status as problems', async () => {
    const { url } = app;
    const css = '/docs/static/swagger-ui.css';
    const cases: Array<[RawRequest, number, string]> = [
      [{ method: 'GET', path: '/docs/static/../../etc/passwd', headers: {} }, 403, 'forbidden'],
      [{ method: 'GET', path: '/docs/static/%00', headers: {} }, 403, 'forbidden'],
      [{ method: 'GET', path: '/docs/static/%2e%2e/%2e%2e/package.json', headers: {} }, 403,
        'forbidden'],
      [{ method: 'GET', path: css, headers: { range: 'bytes=999999999-' } }, 416,
        'range_not_satisfiable'],
      [{ method: 'GET', path: css, headers: { 'if-match': '"nope"' } }, 412,
        'precondition_failed'],
      [{ method: 'POST', path: '/v1/auth/login', headers: { 'content-type': 'text/plain' },
        body: 'x' }, 415, 'unsupported_media_type'],
      [{ method: 'POST', path: '/v1/auth/login', headers: { 'content-type': 'application/json' },
        body: `"${'x'.repeat(1_100_000)}"` }, 413, 'payload_too_large'],
      [{ method: 'GET', path: '/v1/wallets/%E0%A4%A', headers: {} }, 400, 'invalid_request'],
      [{ method: 'GET', path: '/nowhere', headers: {} }, 404, 'not_found'],
      [{ method: 'GET', path: '/v1/me', headers: { 'x-big': 'b'.repeat(20_000) } }, 431,
        'headers_too_large'],
    ];
    const seen = [];
    for (const [request] of cases) {
      const reply = await sendRaw(url, request);
      const type = String(reply.headers['content-type']).split(';')[0];
      const { code } = JSON.parse(reply.text) as { code?: string };
      seen.push([request.path, reply.status, type, code]);
    }
    expect(seen).toEqual(cases.map(([request, status, code]) =>
      [request.path, status, 'application/problem+json', code]));
  });
});
