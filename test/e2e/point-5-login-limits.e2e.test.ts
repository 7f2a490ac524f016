// Goal: guessing a password is bounded per account, not per address, and one account's
// failures never lock out another account's user behind the same address (docs/api.md
// "Login limits"). Client addresses differ through TRUST_PROXY and X-Forwarded-For, as behind
// a real proxy. The account limit holds on the in-process counters and on Redis (when the run
// has one). Also: tokens with an iat in the future or a lifetime over the ttl are refused,
// every /v1 answer says Cache-Control: no-store, and /metrics asks for METRICS_TOKEN when set.
import { randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { call, PASSWORD, signUp, type Reply, type User } from '../support/api';
import { aProblem, problemOf } from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';
import { testEnv } from '../../shared/testing/test-env';

jest.setTimeout(60_000);

/** The secret test-app.ts configures. */
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
const METRICS_TOKEN = 'metrics-token-for-the-e2e-test';
const ACCOUNT_FAILURES_MAX = 10;
const WINDOW_SECONDS = 15 * 60;
/** Limits on (the test apps turn them off by default); the test's socket is the proxy. */
const LIMITS_ON = { RATE_LIMITS: 'on', TRUST_PROXY: '127.0.0.1', METRICS_TOKEN };

const ATTACKERS = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
const NEW_ADDRESS = '203.0.113.77';

const logIn = (app: TestApp, email: string, password: string, from: string) =>
  call(app, 'POST', '/v1/auth/login', {
    body: { email, password },
    headers: { 'x-forwarded-for': from },
  });

const retryAfterSeconds = (reply: Reply) => Number(reply.headers.get('retry-after'));

const redisUrl = testEnv.redisUrl();
if (!redisUrl) process.stderr.write(`[point 5] Redis run skipped: ${testEnv.redisSkipReason()}\n`);
const COUNTERS = [
  { counters: 'in-process counters', redis: false },
  ...(redisUrl ? [{ counters: 'Redis counters', redis: true }] : []),
];

describe('issue 8, point 5: login limits per account', () => {
  describe.each(COUNTERS)('on $counters', ({ redis }) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ redis, env: LIMITS_ON });
    });
    afterAll(() => app?.stop());

    test('ten failures from three addresses lock the account; its neighbours log in', async () => {
      const victim = await signUp(app, 'victim');
      const neighbour = await signUp(app, 'neighbour');
      const failures: Reply[] = [];
      for (let attempt = 0; attempt < ACCOUNT_FAILURES_MAX; attempt += 1) {
        const from = ATTACKERS[attempt % ATTACKERS.length]!;
        failures.push(await logIn(app, victim.email, `wrong password ${attempt}`, from));
      }
      expect(failures.map(problemOf)).toEqual(failures.map(() => aProblem(401, 'invalid_credentials')));

      // The right password, from an address that never failed: still refused.
      const locked = await logIn(app, victim.email, PASSWORD, NEW_ADDRESS);
      expect(problemOf(locked)).toEqual(aProblem(429, 'rate_limited'));
      expect(retryAfterSeconds(locked)).toBeGreaterThanOrEqual(1);
      expect(retryAfterSeconds(locked)).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(locked.body.accessToken).toBeUndefined();
      // The same account in another spelling is the same account.
      const respelled = ` ${victim.email.toUpperCase()} `;
      expect(problemOf(await logIn(app, respelled, PASSWORD, NEW_ADDRESS)))
        .toEqual(aProblem(429, 'rate_limited'));

      // Another user behind the attackers' addresses is not locked out.
      for (const from of ATTACKERS) {
        const ok = await logIn(app, neighbour.email, PASSWORD, from);
        expect(ok.status).toBe(200);
        expect(typeof ok.body.accessToken).toBe('string');
      }
    });
  });

  describe('tokens, caching and metrics', () => {
    let app: TestApp;
    let user: User;
    beforeAll(async () => {
      app = await startTestApp({ env: LIMITS_ON });
      user = await signUp(app, 'holder');
    });
    afterAll(() => app?.stop());

    const sign = createSigner({ key: JWT_SECRET, algorithm: 'HS256' });
    const tokenWith = (iat: number, exp: number) => sign({
      iss: 'mini-tng', aud: 'mini-tng-api', sub: user.userId, jti: randomUUID(),
      sid: randomUUID(), typ: 'access', roles: ['customer'], plan: 'FREE', iat, exp,
    });
    const me = (token: string) => call(app, 'GET', '/v1/me', { token });

    test('a token issued in the future or living longer than the ttl is refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      // Signed like ours and well within its ttl: accepted (so the refusals mean something).
      expect((await me(tokenWith(now, now + 600))).status).toBe(200);
      const inTheFuture = tokenWith(now + 3_600, now + 3_600 + 900);
      expect(problemOf(await me(inTheFuture))).toEqual(aProblem(401, 'invalid_token'));
      const aDayLong = tokenWith(now - 60, now - 60 + 24 * 3_600);
      expect(problemOf(await me(aDayLong))).toEqual(aProblem(401, 'invalid_token'));
    });

    test('every /v1 answer, errors included, carries Cache-Control: no-store', async () => {
      const replies = [
        await me(user.token),
        await call(app, 'GET', '/v1/me'),
        await call(app, 'GET', `/v1/wallets/${randomUUID()}`, { token: user.token }),
        await call(app, 'GET', '/v1/no-such-route', { token: user.token }),
        await logIn(app, user.email, PASSWORD, NEW_ADDRESS),
        await logIn(app, user.email, 'not the password', NEW_ADDRESS),
      ];
      expect(replies.map((reply) => reply.status)).toEqual([200, 401, 404, 404, 200, 401]);
      expect(replies.map((reply) => reply.headers.get('cache-control')))
        .toEqual(replies.map(() => 'no-store'));
    });

    test('with METRICS_TOKEN, /metrics answers only to that bearer token', async () => {
      const bare = await call(app, 'GET', '/metrics');
      expect(problemOf(bare)).toEqual(aProblem(401, 'unauthenticated'));
      expect(bare.text).not.toContain('tng_');
      const wrong = await call(app, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${METRICS_TOKEN}x` },
      });
      expect(wrong.status).toBe(401);
      const right = await call(app, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(right.status).toBe(200);
      expect(right.text).toContain('tng_');
    });
  });

  test('without METRICS_TOKEN, /metrics is open', async () => {
    const app = await startTestApp();
    try {
      const open = await call(app, 'GET', '/metrics');
      expect(open.status).toBe(200);
      expect(open.text).toContain('tng_');
    } finally {
      await app.stop();
    }
  });
});
