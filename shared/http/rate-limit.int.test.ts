// Goal: rate limits as the running system applies them over real HTTP (RATE_LIMITS=on): the
// 51st transfer a FREE user sends in a 10 s window is refused with 429, Retry-After and the
// RateLimit headers, and moves no money; the 101st login attempt from one address is refused
// too (the per-account limit of failed logins is test/e2e/point-5-login-limits.e2e.test.ts).
// The money case runs twice: on the in-process counters, and on Redis when the run has one
// (skipped, saying why, otherwise).
import {
  call,
  fund,
  openWallet,
  signUp,
  transfer,
  withRole,
  type User,
} from '../../test/support/api';
import { startTestApp, type TestApp } from '../../test/support/test-app';
import { testEnv } from '../testing/test-env';
import { AUTH_POLICIES, MONEY_POLICIES } from './rate-limit-policies';

const LIMITS_ON = { RATE_LIMITS: 'on' };
const FREE_LIMIT = MONEY_POLICIES.FREE.limit;

async function transfersUntilRefused(app: TestApp) {
  // The admin's funding counts against the admin's own budget, not the sender's.
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const sender: User = await signUp(app, 'sender');
  const source = await openWallet(app, sender);
  const target = await openWallet(app, await signUp(app, 'receiver'));
  expect((await fund(app, admin, source, '100000')).status).toBe(201);
  const body = { sourceWalletId: source, targetWalletId: target, amount: '1' };
  const accepted = [];
  for (let request = 1; request <= FREE_LIMIT; request += 1) {
    accepted.push(await transfer(app, sender, body));
  }
  const refused = await transfer(app, sender, body);
  const wallet = await call(app, 'GET', `/v1/wallets/${source}`, {
    token: sender.token,
    headers: { 'x-min-position': accepted.at(-1)!.headers.get('x-ledger-position')! },
  });
  return { accepted, refused, wallet };
}

function expectFifty429(result: Awaited<ReturnType<typeof transfersUntilRefused>>) {
  const { accepted, refused, wallet } = result;
  expect(accepted.map((reply) => reply.status)).toEqual(Array(FREE_LIMIT).fill(201));
  expect(accepted[0]!.headers.get('ratelimit-limit')).toBe(String(FREE_LIMIT));
  expect(accepted[0]!.headers.get('ratelimit-remaining')).toBe(String(FREE_LIMIT - 1));
  expect(refused.status).toBe(429);
  expect(refused.headers.get('content-type')).toContain('application/problem+json');
  expect(refused.body).toMatchObject({ status: 429, code: 'rate_limited' });
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(10);
  expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));
  // Fifty transfers of 1 sen left; the refused one moved nothing.
  expect(wallet.body.balance).toBe(String(100000 - FREE_LIMIT));
}

describe('in-process counters', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: LIMITS_ON });
  });
  afterAll(() => app.stop());

  test('the 51st transfer in a window gets 429 with Retry-After', async () => {
    expectFifty429(await transfersUntilRefused(app));
    const metrics = await call(app, 'GET', '/metrics');
    expect(metrics.text).toContain('tng_rate_limited_total{route="/v1/transfers"} 1');
  });

  test('past 100 login attempts from one address in a minute, any account gets 429', async () => {
    const perAddress = AUTH_POLICIES.get('/v1/auth/login')!.limit;
    // Malformed bodies cost no password work; the limit counts them before parsing.
    const malformed = () =>
      call(app, 'POST', '/v1/auth/login', { raw: '{not json' });
    // Earlier sign-ups in this file logged in already; count what is left of the budget.
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= perAddress; attempt += 1) {
      statuses.push((await malformed()).status);
    }
    const firstRefused = statuses.indexOf(429);
    expect(firstRefused).toBeGreaterThan(0);
    expect(statuses.slice(0, firstRefused).every((status) => status === 400)).toBe(true);
    expect(statuses.slice(firstRefused).every((status) => status === 429)).toBe(true);
    const refused = await call(app, 'POST', '/v1/auth/login', {
      body: { email: 'somebody@example.com', password: 'any password at all' },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-limit')).toBe(String(perAddress));
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

const redisUrl = testEnv.redisUrl();
const describeRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) process.stderr.write(`[rate-limit] Redis run skipped: ${testEnv.redisSkipReason()}\n`);

describeRedis('Redis counters', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redis: true, env: LIMITS_ON });
  });
  afterAll(() => app.stop());

  test('the 51st transfer in a window gets 429 with Retry-After', async () => {
    expectFifty429(await transfersUntilRefused(app));
  });
});
