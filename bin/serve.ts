// `tng serve [services...]`: the composition root. With no names it runs all four services in
// one process (what `npm start` does); each can also run alone. Adapters are chosen by
// configuration: Redis when REDIS_URL is set, in-process otherwise; Stripe when
// STRIPE_SECRET_KEY is set, else the built-in simulator (runtime/payments.ts); SMTP when
// SMTP_URL is set, else the development mailbox; Kafka when KAFKA_BROKERS is set, else our
// consumers follow the event log. Rate limits are on unless RATE_LIMITS=off; the projector
// brings the ledger gauges, the sagas the expiry sweeps, notifications and fraud hints.
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
import { busFor, integrationFeedFor } from './runtime/integration';
import { summaryWriterOf } from './runtime/summary-writer';
import { openPayments } from './runtime/payments';
import { selfUrl } from './runtime/self-url';
import { simulatorRoutes } from './runtime/simulator.routes';
import { startLedgerGauges } from '../shared/telemetry/ledger-gauges';
import { commandApi } from '../command-api/src/command-api.plugin';
import { bootstrapSystemAccounts } from '../command-api/src/bootstrap-system-accounts';
import { createCommandDeps } from '../command-api/src/command-deps';
import { startProjector } from '../projector/src/projector.service';
import { startSagas } from '../sagas/src/sagas.service';
import { queryApi } from '../query-api/src/query-api.plugin';
import { devMailboxRoutes } from '../shared/http/dev-mailbox.routes';
import type { IntegrationFeed } from '../shared/ports/integration-feed.port';
import type { Mailer } from '../shared/ports/mailer.port';
import { mailerFor } from './runtime/mailer';

export const SERVICE_NAMES = ['command-api', 'query-api', 'projector', 'sagas'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type Server = { app: FastifyInstance; runtime: Runtime; url: string; stop(): Promise<void> };

export type ServerOptions = Readonly<{
  config?: Config;
  migrate?: boolean;
  logger?: Logger;
  /**
   * What the notifications saga consumes: the Kafka bus with KAFKA_BROKERS, else a feed that
   * follows the event log (shared/ports/integration-feed.port.ts). The sagas run without
   * notifications when none is given.
   */
  integrationFeed?: IntegrationFeed;
}>;

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
    replyChecks: config.NODE_ENV === 'production' ? 'fast' : 'checked',
  });
  await healthRoutes(app, runtime);
  const mail = await createMail(app, names, runtime, stops);
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
  if (names.includes('query-api')) await registerQueryApi(app, runtime, cache, authenticate);
  startBackgroundServices(names, runtime, cache, stops, {
    mailer: mail,
    ...(options.integrationFeed ? { feed: options.integrationFeed } : {}),
  });
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

/** The query API over the read models, with insights' summary writer (template or LLM). */
async function registerQueryApi(
  app: FastifyInstance,
  runtime: Runtime,
  cache: Cache,
  authenticate: (request: FastifyRequest) => Promise<void>,
): Promise<void> {
  const { config, logger, pool, store, metrics } = runtime;
  await registerService(
    app,
    queryApi({
      pool,
      readDatabase: runtime.readDatabase,
      cache,
      store,
      authenticate,
      readYourWritesWaitMsMax: config.READ_YOUR_WRITES_WAIT_MS_MAX,
      insights: { summaryWriter: summaryWriterOf(config), metrics, logger, now: () => new Date() },
    }),
  );
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
  mail: Readonly<{ mailer: Mailer; feed?: IntegrationFeed }>,
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
    // KAFKA_BROKERS: the relay publishes to Kafka and our consumers read it; without, they
    // follow the event log. The bus closes after the sagas stopped.
    const bus = busFor(config);
    if (bus) stops.push(() => bus.close());
    const feed = mail.feed ?? integrationFeedFor(runtime, bus);
    const notifications = { feed, mailer: mail.mailer, retry: mailRetryPolicy(config) };
    const fraudHints = { autoFreeze: config.FRAUD_AUTO_FREEZE === 'on' };
    const topUpExpiry = {
      intervalMs: config.TOPUP_EXPIRY_INTERVAL_MS,
      expirySeconds: config.TOPUP_EXPIRY_SECONDS,
    };
    const sagas = startSagas({
      pool, store, logger, metrics, holdExpiry, topUpExpiry, notifications, fraudHints,
      ...(bus ? { bus } : {}),
    });
    stops.unshift(() => sagas.stop());
  }
}

/**
 * The Mailer (SMTP with SMTP_URL, else the development mailbox) and, in development mode in a
 * process that runs the sagas (which fill it), GET /dev/mailbox.
 */
async function createMail(
  app: FastifyInstance,
  names: readonly ServiceName[],
  runtime: Runtime,
  stops: Array<() => Promise<void>>,
): Promise<Mailer> {
  const { config, logger } = runtime;
  const mail = mailerFor(config);
  stops.push(async () => mail.close());
  if (!config.SMTP_URL && config.NODE_ENV === 'production') {
    logger.warn('SMTP_URL is not set: notification e-mails stay in memory and reach nobody');
  }
  // It shows everyone's mail without a token: only where nobody else can connect.
  const devMailbox = mail.devMailbox && names.includes('sagas') ? mail.devMailbox : null;
  if (devMailbox && isLoopback(config.HOST)) await devMailboxRoutes(app, devMailbox);
  else if (devMailbox) {
    logger.warn({ host: config.HOST }, 'GET /dev/mailbox is off: HOST is not a loopback address');
  }
  return mail.mailer;
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The notifications saga's retries, from MAIL_SEND_ATTEMPTS_MAX and MAIL_RETRY_DELAY_MS_*. */
const mailRetryPolicy = (config: Config) => ({
  attemptsMax: config.MAIL_SEND_ATTEMPTS_MAX,
  delayMsMin: config.MAIL_RETRY_DELAY_MS_MIN,
  delayMsMax: Math.max(config.MAIL_RETRY_DELAY_MS_MIN, config.MAIL_RETRY_DELAY_MS_MAX),
});
