// Goal: the rate-limit hooks through Fastify's inject (no sockets): money routes are counted
// per user with the plan's limit after authentication, auth routes per client IP before the
// body is parsed, every limited response carries the RateLimit headers, a refused one is a
// 429 problem+json with Retry-After and counts in tng_rate_limited_total, other routes are
// untouched, and a failing cache lets everything through.
import Fastify, { type FastifyInstance } from 'fastify';
import { InProcessCache } from '../adapters/cache/in-process.cache';
import type { Plan } from '../auth/principal';
import { userId } from '../domain/ids';
import { InfraError } from '../errors/domain-error';
import type { Cache } from '../ports/cache.port';
import { createMetrics, type Metrics } from '../telemetry/metrics';
import { createRateLimitHooks } from './rate-limit';
import { AUTH_POLICIES, MONEY_POLICIES } from './rate-limit-policies';
import { RateLimiter } from './rate-limiter';

async function appWith(cache: Cache, metrics: Metrics): Promise<FastifyInstance> {
  const limiter = new RateLimiter({ cache, log: { warn: () => {} } });
  const hooks = createRateLimitHooks({ limiter, metrics });
  const app = Fastify();
  await app.register(async (open) => {
    open.addHook('onRequest', hooks.byClientIp);
    open.post('/v1/auth/login', async () => ({ ok: true }));
  });
  await app.register(async (secured) => {
    // A stand-in for authenticate: the principal comes from test headers.
    secured.addHook('preHandler', async (request) => {
      const plan = request.headers['x-plan'] === 'PREMIUM' ? 'PREMIUM' : 'FREE';
      request.principal = {
        userId: userId(String(request.headers['x-user'])),
        sessionId: 's',
        jti: 'j',
        roles: ['customer'],
        plan: plan satisfies Plan,
        expiresAt: new Date(Date.now() + 60_000),
      };
    });
    secured.addHook('preHandler', hooks.byUser);
    secured.post('/v1/transfers', async () => ({ ok: true }));
    secured.post('/v1/holds/:holdId/release', async () => ({ ok: true }));
    secured.post('/v1/wallets', async () => ({ ok: true }));
  });
  return app;
}

const post = (app: FastifyInstance, url: string, user = 'u-1', plan: Plan = 'FREE') =>
  app.inject({ method: 'POST', url, headers: { 'x-user': user, 'x-plan': plan }, payload: {} });

async function postMany(app: FastifyInstance, count: number, url: string, plan: Plan = 'FREE') {
  const statuses: number[] = [];
  for (let request = 0; request < count; request += 1) {
    statuses.push((await post(app, url, 'u-1', plan)).statusCode);
  }
  return statuses;
}

test('the 51st money request of a FREE user in a window gets 429 with Retry-After', async () => {
  const metrics = createMetrics();
  const app = await appWith(new InProcessCache(), metrics);
  // Transfers and releases share one budget per user.
  const statuses = [
    ...(await postMany(app, 25, '/v1/transfers')),
    ...(await postMany(app, 25, '/v1/holds/h-1/release')),
  ];
  expect(statuses.every((status) => status === 200)).toBe(true);
  const refused = await post(app, '/v1/transfers');
  expect(refused.statusCode).toBe(429);
  expect(refused.headers['content-type']).toContain('application/problem+json');
  expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
  const retryAfter = Number(refused.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(10);
  expect(refused.headers).toMatchObject({
    'ratelimit-limit': '50',
    'ratelimit-remaining': '0',
    'ratelimit-reset': String(retryAfter),
  });
  expect((await post(app, '/v1/transfers', 'u-2')).statusCode).toBe(200);
  const counted = await metrics.registry.getSingleMetricAsString('tng_rate_limited_total');
  expect(counted).toContain('tng_rate_limited_total{route="/v1/transfers"} 1');
  await app.close();
});

test('every limited response carries the RateLimit headers, counting down', async () => {
  const app = await appWith(new InProcessCache(), createMetrics());
  const first = await post(app, '/v1/transfers');
  const second = await post(app, '/v1/transfers');
  expect(first.headers).toMatchObject({ 'ratelimit-limit': '50', 'ratelimit-remaining': '49' });
  expect(second.headers['ratelimit-remaining']).toBe('48');
  expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
  expect(first.headers['retry-after']).toBeUndefined();
  await app.close();
});

test('a PREMIUM user may send 200 in the window', async () => {
  const app = await appWith(new InProcessCache(), createMetrics());
  const limit = MONEY_POLICIES.PREMIUM.limit;
  const statuses = await postMany(app, limit + 1, '/v1/transfers', 'PREMIUM');
  expect(statuses.slice(0, limit).every((status) => status === 200)).toBe(true);
  expect(statuses[limit]).toBe(429);
  await app.close();
});

test('routes that move no money are not limited', async () => {
  const app = await appWith(new InProcessCache(), createMetrics());
  const statuses = await postMany(app, 60, '/v1/wallets');
  expect(statuses.every((status) => status === 200)).toBe(true);
  expect((await post(app, '/v1/wallets')).headers['ratelimit-limit']).toBeUndefined();
  await app.close();
});

test('login is limited per client IP before its body is parsed', async () => {
  const app = await appWith(new InProcessCache(), createMetrics());
  const perAddress = AUTH_POLICIES.get('/v1/auth/login')!.limit;
  expect(perAddress).toBe(100);
  const login = (remoteAddress = '192.0.2.1') =>
    app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
      remoteAddress,
    });
  for (let attempt = 1; attempt <= perAddress; attempt += 1) {
    expect((await login()).statusCode).toBe(400);
  }
  const refused = await login();
  expect(refused.statusCode).toBe(429);
  expect(refused.headers['ratelimit-limit']).toBe(String(perAddress));
  // Another address has its own budget.
  expect((await login('192.0.2.2')).statusCode).toBe(400);
  await app.close();
});

test('when the cache fails, requests pass without RateLimit headers (fail open)', async () => {
  const broken: Cache = {
    get: async () => null,
    set: async () => {},
    delete: async () => {},
    incrementWindow: async () => {
      throw new InfraError('redis incrementWindow failed');
    },
  };
  const app = await appWith(broken, createMetrics());
  const statuses = await postMany(app, 60, '/v1/transfers');
  expect(statuses.every((status) => status === 200)).toBe(true);
  expect((await post(app, '/v1/transfers')).headers['ratelimit-limit']).toBeUndefined();
  await app.close();
});
