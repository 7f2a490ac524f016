// Goal: malformed input is refused at the door, through real HTTP: every bad amount, unknown
// field, prototype-pollution payload, oversized or mistyped or unparseable body, bad path id,
// bad page parameter and bad position token gets its 4xx as application/problem+json with
// the stable code of docs/api.md, never a 500, and NOTHING reaches the event log.
import { randomUUID } from 'node:crypto';
import { call, fund, openWallet, signUp, withRole, type Reply, type User } from '../support/api';
import {
  aProblem, movementLines, problemOf, storedEventCount, storedWalletEvents,
} from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let owner: User;
let admin: User;
let source: string;
let target: string;
let holdId: string;

beforeAll(async () => {
  // A short read-your-writes wait, so the lagging case below answers quickly.
  app = await startTestApp({ env: { READ_YOUR_WRITES_WAIT_MS_MAX: '300' } });
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  owner = await signUp(app, 'owner');
  source = await openWallet(app, owner);
  target = await openWallet(app, await signUp(app, 'friend'));
  expect((await fund(app, admin, source, '100000')).status).toBe(201);
  const hold = await call(app, 'POST', `/v1/wallets/${source}/holds`, {
    token: owner.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { amount: '100', currency: 'MYR', reason: 'deposit' },
  });
  expect(hold.status).toBe(201);
  holdId = hold.body.holdId;
});
afterAll(() => app?.stop());

/** Only this file's requests run in its app, so an unchanged count means nothing was stored. */
async function storesNothing(send: () => Promise<Reply[]>): Promise<Reply[]> {
  const before = await storedEventCount(app);
  const versionBefore = await app.server.runtime.store.streamVersion(`wallet-${source}`);
  const replies = await send();
  expect(await storedEventCount(app)).toBe(before);
  expect(await app.server.runtime.store.streamVersion(`wallet-${source}`)).toBe(versionBefore);
  return replies;
}

const post = (path: string, options: { body?: unknown; raw?: string; type?: string } = {}) =>
  call(app, 'POST', path, {
    token: path.includes('/admin/') ? admin.token : owner.token,
    headers: {
      'idempotency-key': randomUUID(),
      ...(options.type ? { 'content-type': options.type } : {}),
    },
    ...(options.raw !== undefined ? { raw: options.raw } : { body: options.body }),
  });

const BAD_AMOUNTS: unknown[] = [
  '-1', '0', '1.5', '1e3', 100, ' 100', '100 ', '99999999999999999999999', null, ['100'],
  '+100', '0100', '', '١٠٠', { value: '100' }, true,
];

/** Each money route with a valid body whose amount is `amount`. */
const moneyRoutes = (amount: unknown): Array<[string, Record<string, unknown>]> => [
  ['/v1/transfers', { sourceWalletId: source, targetWalletId: target, amount, currency: 'MYR' }],
  [`/v1/wallets/${source}/holds`, { amount, currency: 'MYR', reason: 'x' }],
  [`/v1/holds/${holdId}/capture`, { targetWalletId: target, amount }],
  [`/v1/admin/wallets/${source}/adjustments`, {
    amount, currency: 'MYR', direction: 'credit', reason: 'x',
  }],
];

test('every malformed amount is 400 invalid_request on every money route', async () => {
  const cases = BAD_AMOUNTS.flatMap((amount) =>
    moneyRoutes(amount).map(([path, body]) => ({ path, amount, body })),
  );
  const replies = await storesNothing(() =>
    Promise.all(cases.map(({ path, body }) => post(path, { body }))),
  );
  const seen = cases.map(({ path, amount }, index) => ({
    path, amount, ...problemOf(replies[index]!),
  }));
  expect(seen).toEqual(
    cases.map(({ path, amount }) => ({ path, amount, ...aProblem(400, 'invalid_request') })),
  );
  const transferReply = replies[0]!;
  expect(transferReply.body.errors).toEqual(
    expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('amount') })]),
  );
});

test('an amount at the maximum is well formed: a business refusal, not a 400', async () => {
  const sourceBefore = await storedWalletEvents(app, source);
  const targetBefore = await storedWalletEvents(app, target);
  const reply = await post('/v1/transfers', {
    body: { sourceWalletId: source, targetWalletId: target, amount: '1000000000000000', currency: 'MYR' },
  });
  expect(problemOf(reply)).toEqual(aProblem(422, 'limit_exceeded'));
  // Refused, so logged as refused on the source and nothing else: no money moved.
  const sourceAfter = await storedWalletEvents(app, source);
  expect(sourceAfter.slice(0, sourceBefore.length)).toEqual(sourceBefore);
  expect(movementLines(sourceAfter.slice(sourceBefore.length))).toEqual([
    `TransferRejected limit_exceeded ${reply.body.transferId}`,
  ]);
  expect(sourceAfter).toHaveLength(sourceBefore.length + 1);
  expect(await storedWalletEvents(app, target)).toEqual(targetBefore);
});

test('unknown fields, a bad currency and missing fields are 400 invalid_request', async () => {
  const valid = { sourceWalletId: source, targetWalletId: target, amount: '1', currency: 'MYR' };
  const bodies: unknown[] = [
    { ...valid, extra: 1 },
    { ...valid, currency: 'myr' },
    { ...valid, currency: 'XXX' },
    { sourceWalletId: source, amount: '1', currency: 'MYR' },
    {},
    [],
    'just a string',
    42,
  ];
  const replies = await storesNothing(() =>
    Promise.all(bodies.map((body) => post('/v1/transfers', { body }))),
  );
  expect(replies.map(problemOf)).toEqual(bodies.map(() => aProblem(400, 'invalid_request')));
  const wallet = await post('/v1/wallets', { body: { currency: 'MYR', ownerId: 'someone' } });
  expect(problemOf(wallet)).toEqual(aProblem(400, 'invalid_request'));
});

test('__proto__ and constructor.prototype payloads are 400 and pollute nothing', async () => {
  const fields = `"sourceWalletId":"${source}","targetWalletId":"${target}","currency":"MYR"`;
  const raws = [
    `{${fields},"amount":"1","__proto__":{"isAdmin":true}}`,
    `{${fields},"amount":"1","constructor":{"prototype":{"isAdmin":true}}}`,
    `{"__proto__":{"amount":"1"},${fields}}`,
    `{${fields},"amount":{"__proto__":{"length":1}}}`,
  ];
  const replies = await storesNothing(() =>
    Promise.all(raws.map((raw) => post('/v1/transfers', { raw }))),
  );
  expect(replies.map(problemOf)).toEqual(raws.map(() => aProblem(400, 'invalid_request')));
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  const login = await call(app, 'POST', '/v1/auth/login', {
    raw: '{"email":"a@b.c","password":"x","__proto__":{"admin":true}}',
  });
  expect(problemOf(login)).toEqual(aProblem(400, 'invalid_request'));
});

test('a 2 MiB body is 413, a wrong media type 415, malformed JSON 400', async () => {
  const huge = JSON.stringify({
    sourceWalletId: source, targetWalletId: target, amount: '1', currency: 'MYR',
    note: 'x'.repeat(2 * 1024 * 1024),
  });
  const body = `sourceWalletId=${source}&targetWalletId=${target}&amount=1&currency=MYR`;
  const [tooLarge, plain, form, malformed, truncated, empty] = await storesNothing(() =>
    Promise.all([
      post('/v1/transfers', { raw: huge }),
      post('/v1/transfers', { raw: JSON.stringify({ amount: '1' }), type: 'text/plain' }),
      post('/v1/transfers', { raw: body, type: 'application/x-www-form-urlencoded' }),
      post('/v1/transfers', { raw: '{"amount": "1",' }),
      post('/v1/transfers', { raw: `{"sourceWalletId":"${source}"` }),
      post('/v1/transfers', { raw: '' }),
    ]),
  );
  expect(problemOf(tooLarge!)).toEqual(aProblem(413, 'payload_too_large'));
  expect(problemOf(plain!)).toEqual(aProblem(415, 'unsupported_media_type'));
  expect(problemOf(form!)).toEqual(aProblem(415, 'unsupported_media_type'));
  expect(problemOf(malformed!)).toEqual(aProblem(400, 'invalid_request'));
  expect(problemOf(truncated!)).toEqual(aProblem(400, 'invalid_request'));
  expect(problemOf(empty!)).toEqual(aProblem(400, 'invalid_request'));
});

test('bad ids in paths are 400 or 404, never 500', async () => {
  const ids = [
    '%20bad', 'bad%00id', '..%2F..%2Fetc', 'x'.repeat(300), '%E2%82%AC', '%E0%A4%A', '%',
    "'%20or%201=1",
  ];
  const requests = ids.flatMap((id): Array<[string, string]> => [
    ['GET', `/v1/wallets/${id}`],
    ['GET', `/v1/wallets/${id}/transactions`],
    ['GET', `/v1/transfers/${id}`],
    ['POST', `/v1/wallets/${id}/holds`],
    ['POST', `/v1/holds/${id}/capture`],
    ['POST', `/v1/holds/${id}/release`],
    ['POST', `/v1/admin/wallets/${id}/freeze`],
  ]);
  const replies = await storesNothing(() =>
    Promise.all(
      requests.map(([method, path]) =>
        method === 'GET'
          ? call(app, method, path, { token: owner.token })
          : post(path, { body: { amount: '1', currency: 'MYR', reason: 'x', targetWalletId: target } }),
      ),
    ),
  );
  const seen = requests.map(([method, path], index) => {
    const { status, type, code } = problemOf(replies[index]!);
    return { method, path, fine: [400, 404].includes(status), type, known: code !== null };
  });
  expect(seen).toEqual(
    requests.map(([method, path]) => ({
      method, path, fine: true, type: 'application/problem+json', known: true,
    })),
  );
});

test('bad limit and cursor values are 400 invalid_request', async () => {
  const queries = [
    'limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'limit=1.5', 'limit=', 'limit=1e2',
    'limit=1&limit=2', 'cursor=%%%', 'cursor=not-base64-!', `cursor=${'A'.repeat(500)}`,
    `cursor=${Buffer.from('not a version').toString('base64url')}`, 'unknown=1',
  ];
  const paths = [`/v1/wallets/${source}/transactions`, '/v1/wallets'];
  const cases = paths.flatMap((path) => queries.map((query) => `${path}?${query}`));
  const replies = await Promise.all(
    cases.map((path) => call(app, 'GET', path, { token: owner.token })),
  );
  expect(cases.map((path, index) => ({ path, ...problemOf(replies[index]!) }))).toEqual(
    cases.map((path) => ({ path, ...aProblem(400, 'invalid_request') })),
  );
  const ok = await call(app, 'GET', `/v1/wallets/${source}/transactions?limit=100`, {
    token: owner.token,
  });
  expect(ok.status).toBe(200);
});

test('a bad X-Min-Position is 400 invalid_request, not a wait or a 500', async () => {
  const tokens = ['abc', '1', '1.', '.1', '-1.5', '1.2.3', '99999999999999999999999.1', ' ', '1.x'];
  const replies = await Promise.all(
    tokens.map((token) =>
      call(app, 'GET', `/v1/wallets/${source}`, {
        token: owner.token,
        headers: { 'x-min-position': token },
      }),
    ),
  );
  expect(tokens.map((token, index) => ({ token, ...problemOf(replies[index]!) }))).toEqual(
    tokens.map((token) => ({ token, ...aProblem(400, 'invalid_request') })),
  );
});

test('a well-formed position the read models never reach is 503 with Retry-After', async () => {
  const head = await app.server.runtime.store.headPosition();
  const ahead = `${head.transactionId + 1_000_000n}.${head.globalPosition + 1_000_000n}`;
  const reply = await call(app, 'GET', `/v1/wallets/${source}`, {
    token: owner.token,
    headers: { 'x-min-position': ahead },
  });
  expect(problemOf(reply)).toEqual(aProblem(503, 'projection_lagging'));
  expect(reply.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
});
