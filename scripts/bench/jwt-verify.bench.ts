// What verifying access tokens through @fastify/jwt would cost against fast-jwt as used today
// (shared/auth/tokens.ts, with its cache of verified principals). Two parts:
// 1. Raw cost of one verify (µs per call, in this process), with and without a cache.
// 2. HTTP: one small Fastify server per variant, each in its own process, serving POST
//    /bench with a strict JSON body behind an auth hook; the closed-loop load generator of
//    http-load.ts drives them in turn (rounds alternate the order), 64 connections, each
//    connection with its own user's token. No database: revocation is the in-process set.
//   node bin/run-ts.cjs scripts/bench/jwt-verify.bench.ts [--seconds=3] [--rounds=6]
//     [--raw-repeats=5] [--connections=64] [--variants=none,fast-jwt,fastify-jwt,fastify-jwt+lru]
// Besides requests/s and p99 it reports each server's CPU time per request, which a busy
// shared machine disturbs far less than throughput.
// Variants: none (no auth: the ceiling), fast-jwt (AccessAuthenticator as in production),
// fastify-jwt (request.jwtVerify() with fast-jwt's own cache, then the same claim checks),
// fastify-jwt+lru (our principal cache in front of fastify.jwt.verify on a miss).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyJwt from '@fastify/jwt';
import { ExpiringLru } from '../../shared/adapters/cache/expiring-lru';
import { AccessAuthenticator } from '../../shared/auth/access-authenticator';
import {
  ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_REQUIRED_CLAIMS, invalidToken,
  principalOfClaims,
} from '../../shared/auth/access-claims';
import type { AccessPrincipal } from '../../shared/auth/principal';
import { AccessTokens, VERIFIED_TOKEN_CACHE_ENTRIES_MAX } from '../../shared/auth/tokens';
import { revocations, serveAuthBenchRoute, serverCpuUs } from './auth-bench-route';
import { startServerChild } from './bench-child';
import { percentileMs, runLoad } from './http-load';

const VARIANTS = ['none', 'fast-jwt', 'fastify-jwt', 'fastify-jwt+lru'] as const;
type Variant = (typeof VARIANTS)[number];
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const TTL_MS = 3_600_000;
const RAW_CALLS = 100_000;
const BODY = JSON.stringify({ amountMinor: '1250', to: randomUUID(), note: 'lunch' });

const flag = (name: string): string | undefined =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

/** @fastify/jwt configured as tokens.ts configures fast-jwt: HS256 only, iss, aud, claims. */
async function registerFastifyJwt(app: FastifyInstance, cache: boolean): Promise<void> {
  await app.register(fastifyJwt, {
    secret: SECRET,
    sign: { algorithm: 'HS256' },
    verify: {
      algorithms: ['HS256'],
      allowedIss: ACCESS_TOKEN_ISSUER,
      allowedAud: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
      // exp is checked by principalOfClaims against one clock, as in tokens.ts.
      ignoreExpiration: true,
      cache: cache ? VERIFIED_TOKEN_CACHE_ENTRIES_MAX : false,
    },
  });
}

/** tokens.ts's verify() with fastify.jwt.verify in place of fast-jwt's own verifier. */
function fastifyJwtTokens(app: FastifyInstance): Pick<AccessTokens, 'verify'> {
  const verified = new ExpiringLru<AccessPrincipal>(VERIFIED_TOKEN_CACHE_ENTRIES_MAX);
  return {
    verify(token: string): AccessPrincipal {
      const cached = verified.get(token);
      if (cached !== undefined) return cached;
      let payload: unknown;
      try {
        payload = app.jwt.verify(token);
      } catch {
        throw invalidToken();
      }
      const principal = principalOfClaims(payload, Date.now(), TTL_MS);
      verified.set(token, principal, principal.expiresAt.getTime());
      return principal;
    },
  };
}

async function authHook(app: FastifyInstance, variant: Variant) {
  const sessions = revocations();
  if (variant === 'fast-jwt') {
    const tokens = new AccessTokens({ secret: SECRET, ttlMs: TTL_MS });
    const authenticator = new AccessAuthenticator(tokens, sessions);
    return (request: FastifyRequest) => authenticator.authenticate(request.headers.authorization);
  }
  if (variant === 'fastify-jwt+lru') {
    await registerFastifyJwt(app, false);
    const authenticator = new AccessAuthenticator(fastifyJwtTokens(app), sessions);
    return (request: FastifyRequest) => authenticator.authenticate(request.headers.authorization);
  }
  await registerFastifyJwt(app, true);
  return async (request: FastifyRequest) => {
    let payload: unknown;
    try {
      payload = await request.jwtVerify();
    } catch {
      throw invalidToken();
    }
    const principal = principalOfClaims(payload, Date.now(), TTL_MS);
    if (await sessions.isRevoked(principal.sessionId)) throw invalidToken();
    return principal;
  };
}

async function serve(variant: Variant): Promise<void> {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false } } });
  await serveAuthBenchRoute(app, {
    authenticate: variant === 'none' ? null : await authHook(app, variant),
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['amountMinor', 'to'],
        properties: {
          amountMinor: { type: 'string', pattern: '^[1-9][0-9]{0,17}$' },
          to: { type: 'string', format: 'uuid' },
          note: { type: 'string', maxLength: 140 },
        },
      },
    },
  });
}

const startServer = (variant: Variant) => startServerChild(__filename, [`--serve=${variant}`]);

type RawCase = Readonly<{ label: string; call: (i: number) => unknown }>;

/** µs per call; an async case is awaited call by call, as a request hook would be. */
async function microsPerCall(call: (i: number) => unknown, calls: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) {
    const result = call(i);
    if (result instanceof Promise) await result;
  }
  return Number(process.hrtime.bigint() - started) / 1000 / calls;
}

async function rawCosts(tokens: readonly string[], repeats: number): Promise<void> {
  const pick = (i: number) => tokens[i % tokens.length]!;
  const uncached = new AccessTokens({ secret: SECRET, ttlMs: TTL_MS, cacheEntriesMax: 0 });
  const cached = new AccessTokens({ secret: SECRET, ttlMs: TTL_MS });
  const plain = Fastify();
  await registerFastifyJwt(plain, false);
  const withCache = Fastify();
  await registerFastifyJwt(withCache, true);
  let jwtVerify: ((this: unknown) => Promise<unknown>) | undefined;
  withCache.get('/', async (request) => {
    jwtVerify = request.jwtVerify as unknown as typeof jwtVerify;
    return {};
  });
  await Promise.all([plain.ready(), withCache.ready()]);
  await withCache.inject({ url: '/' });
  const claims = (payload: unknown) => principalOfClaims(payload, Date.now(), TTL_MS);
  const lru = fastifyJwtTokens(plain);
  const payloads = Array.from({ length: 64 }, (_, i) => plain.jwt.verify(pick(i)));
  const cases: RawCase[] = [
    { label: 'claim checks alone (zod, principalOfClaims)', call: (i) => claims(payloads[i % 64]) },
    { label: 'tokens.ts verify (fast-jwt + claims), no cache', call: (i) => uncached.verify(pick(i)) },
    { label: 'tokens.ts verify, its principal cache', call: (i) => cached.verify(pick(i)) },
    { label: 'fastify.jwt.verify + claims, no cache', call: (i) => claims(plain.jwt.verify(pick(i))) },
    {
      label: 'fastify.jwt.verify + claims, fast-jwt cache',
      call: (i) => claims(withCache.jwt.verify(pick(i))),
    },
    { label: 'fastify.jwt.verify + claims, principal LRU', call: (i) => lru.verify(pick(i)) },
    {
      label: 'request.jwtVerify() + claims, fast-jwt cache',
      call: async (i) => {
        const request = { headers: { authorization: `Bearer ${pick(i)}` }, jwtVerify };
        return claims(await jwtVerify!.call(request));
      },
    },
  ];
  const samples = cases.map(() => [] as number[]);
  for (const { call } of cases) await microsPerCall(call, RAW_CALLS / 10); // warm the JIT
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    for (const [index, { call }] of cases.entries()) {
      samples[index]!.push(await microsPerCall(call, RAW_CALLS));
    }
  }
  console.log(`raw verify cost, µs per call (${repeats} x ${RAW_CALLS} calls, ${tokens.length} tokens):`);
  for (const [index, { label }] of cases.entries()) {
    const all = samples[index]!.map((us) => us.toFixed(2)).join(' / ');
    console.log(`  ${label.padEnd(48)} median ${median(samples[index]!).toFixed(2).padStart(6)}`
      + `  (${all})`);
  }
  await Promise.all([plain.close(), withCache.close()]);
}

/** cpuUsPerRequest: the server's CPU time (user + system) per request. */
type Figures = Readonly<{
  requests: number; seconds: number; p50Ms: number; p99Ms: number; failed: number;
  cpuUsPerRequest: number;
}>;
const perSecond = (f: Figures) => f.requests / f.seconds;
const median = (values: readonly number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

async function load(
  port: number, tokens: readonly string[], connections: number, ms: number,
): Promise<Figures> {
  const cpuBefore = await serverCpuUs(port);
  const result = await runLoad({
    url: `http://127.0.0.1:${port}`,
    concurrency: connections,
    durationMs: ms,
    next: (client) => ({
      path: '/bench',
      headers: { authorization: `Bearer ${tokens[client % tokens.length]}` },
      body: BODY,
    }),
  });
  const failed = result.requests - (result.byStatus['200'] ?? 0);
  const cpuUsPerRequest = ((await serverCpuUs(port)) - cpuBefore) / result.requests;
  return {
    requests: result.requests, seconds: result.seconds, failed, cpuUsPerRequest,
    p50Ms: percentileMs(result.latenciesUs, 50), p99Ms: percentileMs(result.latenciesUs, 99),
  };
}

async function main(): Promise<void> {
  const seconds = Number(flag('seconds') ?? 3);
  const rounds = Number(flag('rounds') ?? 6);
  const connections = Number(flag('connections') ?? 64);
  const variants = (flag('variants') ?? VARIANTS.join(',')).split(',') as Variant[];
  const unknown = variants.find((v) => !(VARIANTS as readonly string[]).includes(v));
  if (unknown !== undefined) throw new Error(`unknown variant ${unknown}`);
  const issuer = new AccessTokens({ secret: SECRET, ttlMs: TTL_MS });
  const tokens = Array.from({ length: connections }, (_, i) => issuer.issue({
    userId: `bench-user-${i}`, sessionId: randomUUID(), roles: ['customer'], plan: 'FREE',
  }).accessToken);
  await rawCosts(tokens, Number(flag('raw-repeats') ?? 5));
  const servers = new Map<Variant, { child: ChildProcess; port: number }>();
  for (const variant of variants) servers.set(variant, await startServer(variant));
  try {
    // Warm-up: JIT, keep-alive sockets, and each server's caches.
    for (const variant of variants) {
      await load(servers.get(variant)!.port, tokens, connections, 1_000);
    }
    const figures = new Map<Variant, Figures[]>(variants.map((v) => [v, []]));
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const f = await load(servers.get(variant)!.port, tokens, connections, seconds * 1000);
        figures.get(variant)!.push(f);
        console.log(`round ${round + 1} ${variant.padEnd(16)} `
          + `${perSecond(f).toFixed(0).padStart(6)} req/s`
          + `  p50 ${f.p50Ms.toFixed(1)} ms  p99 ${f.p99Ms.toFixed(1)} ms`
          + `  server CPU ${f.cpuUsPerRequest.toFixed(1)} µs/req  non-200 ${f.failed}`);
      }
    }
    const rate = (fs: Figures[]) =>
      fs.reduce((sum, f) => sum + f.requests, 0) / fs.reduce((sum, f) => sum + f.seconds, 0);
    // Per-round ratios to fast-jwt cancel most of the drift of a shared, noisy machine.
    const base = figures.get('fast-jwt');
    console.log(`HTTP, ${connections} connections, ${rounds} x ${seconds} s each:`);
    for (const [variant, fs] of figures) {
      const ratios = base === undefined ? [] : fs.map((f, i) => perSecond(f) / perSecond(base[i]!));
      const ratio = ratios.length === 0
        ? '' : `  median ${(median(ratios) * 100).toFixed(1)}% of fast-jwt per round`;
      const p99 = median(fs.map((f) => f.p99Ms)).toFixed(1);
      const cpu = median(fs.map((f) => f.cpuUsPerRequest)).toFixed(1);
      console.log(`  ${variant.padEnd(16)} ${rate(fs).toFixed(0).padStart(6)} req/s`
        + `  median p99 ${p99} ms  median server CPU ${cpu} µs/req${ratio}`);
    }
  } finally {
    for (const { child } of servers.values()) child.kill();
  }
}

// The same file is the parent (load, figures) and, with --serve=<variant>, each server.
const serveVariant = flag('serve');
(serveVariant === undefined ? main() : serve(serveVariant as Variant)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
