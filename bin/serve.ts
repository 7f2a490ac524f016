// `tng serve [services...]`: the composition root. With no names it runs all four services in
// one process (what `npm start` does); each can also run alone. Adapters are chosen by
// configuration: Redis when REDIS_URL is set, in-process otherwise; Stripe when
// STRIPE_SECRET_KEY is set, else the built-in simulator (runtime/payments.ts). Rate limits are
// on unless RATE_LIMITS=off; the projector brings the ledger gauges, the sagas the hold-expiry
// and top-up expiry sweeps.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccessAuthenticator } from '../shared/auth/access-authenticator';
import { RefreshTokenStore } from '../shared/auth/refresh-token.store';
import { SessionRevocation } from '../shared/auth/session-revocation';
import { AccessTokens } from '../shared/auth/tokens';
import { InProcessCache } from '../shared/adapters/cache/in-process.cache';
import { createRedisClient } from '../shared/adapters/cache/redis-client';
import { RedisCache } from '../shared/adapters/cache/redis.cache';
import { loadConfig, type Config } from '../shared/config/load-config';
import type { Logger } from '../shared/telemetry/logger';
import { createHttpServer, registerService } from '../shared/http/create-http-server';
import { healthRoutes } from '../shared/http/health.routes';
import { createRateLimitHooks, type RateLimitHooks } from '../shared/http/rate-limit';
import { LoginLimiter, type LoginAttempts } from '../shared/http/rate-limit-login';
import { RateLimiter } from '../shared/http/rate-limiter';
import type { Cache } from '../shared/ports/cache.port';
import { resolveJwtSecret } from '../shared/runtime/jwt-secret';
import { openRuntime, type Runtime } from './runtime/runtime';
import { openPayments } from './runtime/payments';
import { selfUrl } from './runtime/self-url';
import { simulatorRoutes } from '../shared/adapters/payments/simulator.routes';
import { startLedgerGauges } from '../shared/telemetry/ledger-gauges';
import { commandApi } from '../command-api/src/command-api.plugin';
import { bootstrapSystemAccounts } from '../command-api/src/bootstrap-system-accounts';
import { createCommandDeps } from '../command-api/src/command-deps';
import { startProjector } from '../projector/src/projector.service';
import { startSagas } from '../sagas/src/sagas.service';
import { queryApi } from '../query-api/src/query-api.plugin';

export const SERVICE_NAMES = ['command-api', 'query-api', 'projector', 'sagas'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type Server = { app: FastifyInstance; runtime: Runtime; url: string; stop(): Promise<void> };

export type ServerOptions = Readonly<{ config?: Config; migrate?: boolean; logger?: Logger }>;

export async function startServer(
  names: readonly ServiceName[],
  options: ServerOptions = {},
): Promise<Server> {
  const config = options.config ?? loadConfig();
  const runtime = await openRuntime(config, {
    migrate: options.migrate ?? true,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const { logger, pool, store, metrics } = runtime;
  const stops: Array<() => Promise<void>> = [];
  const { cache, sharedCache, tokens, sessions, authenticate, accessTokenTtlMs } =
    await createAuth(runtime, stops);
  const app = await createHttpServer({
    logger,
    metrics,
    version: process.env.npm_package_version ?? 'dev',
    trustProxy: config.TRUST_PROXY,
  });
  await healthRoutes(app, runtime);
  let selfBase = selfUrl(config.HOST, config.PORT);
  const serverUrl = () => selfBase;
  const { payments, simulator } = await openPayments(config, pool, serverUrl);
  if (simulator) await registerService(app, simulatorRoutes(simulator, serverUrl));
  if (names.includes('command-api')) {
    await bootstrapSystemAccounts(store, new Date());
    const refreshTokens = new RefreshTokenStore({ pool, accessTokenTtlMs });
    const deps = {
      ...createCommandDeps(store, metrics),
      tokens,
      refreshTokens,
      sessions,
      accessTokenTtlMs,
      authenticate,
      payments,
      logger,
      ...(config.RATE_LIMITS === 'on'
        ? { rateLimits: createRateLimits(runtime, sharedCache) }
        : {}),
    };
    await registerService(app, commandApi(deps));
  }
  if (names.includes('query-api')) {
    await registerService(
      app,
      queryApi({
        pool,
        readDatabase: runtime.readDatabase,
        cache,
        store,
        authenticate,
        readYourWritesWaitMsMax: config.READ_YOUR_WRITES_WAIT_MS_MAX,
      }),
    );
  }
  startBackgroundServices(names, runtime, cache, stops);
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  selfBase = selfUrl(config.HOST, port);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      for (const step of stops) await step();
      await runtime.close();
    })());
  return { app, runtime, url, stop };
}

/** Cache (Redis or in-process), tokens, session revocation and the authenticate hook. */
async function createAuth(runtime: Runtime, stops: Array<() => Promise<void>>) {
  const { config, logger, pool } = runtime;
  const redis = config.REDIS_URL ? createRedisClient(config.REDIS_URL, logger) : undefined;
  if (redis)
    stops.push(async () => {
      redis.disconnect();
    });
  const sharedCache = redis ? new RedisCache({ client: redis }) : undefined;
  const cache: Cache = sharedCache ?? new InProcessCache();
  const accessTokenTtlMs = config.ACCESS_TOKEN_TTL_SECONDS * 1000;
  const tokens = new AccessTokens({ secret: resolveJwtSecret(config), ttlMs: accessTokenTtlMs });
  const sessions = new SessionRevocation({
    pool,
    listenerDatabaseUrl: runtime.database.url,
    log: logger,
    ...(sharedCache ? { sharedCache } : {}),
  });
  await sessions.start();
  stops.push(() => sessions.stop());
  const authenticator = new AccessAuthenticator(tokens, sessions);
  const authenticate = async (request: FastifyRequest) => {
    request.principal = await authenticator.authenticate(request.headers.authorization);
  };

  return { cache, sharedCache, tokens, sessions, authenticate, accessTokenTtlMs };
}

/**
 * Rate limits count in Redis when it is configured (shared by every replica), else in a
 * process-local cache of their own, so a flood of counters never evicts cached balances.
 * Failed logins are also limited per account (rate-limit-login.ts).
 */
function createRateLimits(
  runtime: Runtime,
  sharedCache: Cache | undefined,
): RateLimitHooks & { loginAttempts: LoginAttempts } {
  const { logger, metrics } = runtime;
  const cache = sharedCache ?? new InProcessCache();
  const limiter = new RateLimiter({ cache, log: logger });
  const loginAttempts = new LoginLimiter({ limiter, cache, metrics });
  return { ...createRateLimitHooks({ limiter, metrics }), loginAttempts };
}

/**
 * The projector (with the ledger gauges that measure its read models) and the sagas. Their
 * stops go first, so they finish their current step before the pool closes.
 */
function startBackgroundServices(
  names: readonly ServiceName[],
  runtime: Runtime,
  cache: Cache,
  stops: Array<() => Promise<void>>,
): void {
  const { config, logger, pool, store, metrics } = runtime;
  if (names.includes('projector')) {
    const batchSizeMax = config.PROJECTOR_BATCH_SIZE_MAX;
    const projector = startProjector({ pool, store, cache, logger, metrics, batchSizeMax });
    const intervalMs = config.LEDGER_GAUGES_INTERVAL_MS;
    const gauges = startLedgerGauges({ pool, store, metrics, logger, intervalMs });
    stops.unshift(() => projector.stop(), () => gauges.stop());
  }
  if (names.includes('sagas')) {
    const holdExpiry = {
      intervalMs: config.HOLD_EXPIRY_INTERVAL_MS,
      batchSizeMax: config.HOLD_EXPIRY_BATCH_SIZE_MAX,
    };
    const topUpExpiry = {
      intervalMs: config.TOPUP_EXPIRY_INTERVAL_MS,
      expirySeconds: config.TOPUP_EXPIRY_SECONDS,
    };
    const sagas = startSagas({ pool, store, logger, metrics, holdExpiry, topUpExpiry });
    stops.unshift(() => sagas.stop());
  }
}
