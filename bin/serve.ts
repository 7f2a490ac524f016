// `tng serve [services...]`: the composition root. With no names it runs all four services in
// one process (what `npm start` does); each can also run alone. Adapters are chosen by
// configuration: Redis when REDIS_URL is set, in-process otherwise; Stripe when
// STRIPE_SECRET_KEY is set, else the built-in simulator (runtime/payments.ts); SMTP when
// SMTP_URL is set, else the development mailbox; Kafka when KAFKA_BROKERS is set, else our
// consumers follow the event log. Rate limits are on unless RATE_LIMITS=off; the projector
// brings the ledger gauges, the sagas the expiry sweeps, notifications and fraud hints.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccessAuthenticator } from '../shared/auth/access-authenticator';
import { RefreshTokenStore } from '../shared/auth/refresh-token.store';
import { SessionRevocation } from '../shared/auth/session-revocation';
import { AccessTokens } from '../shared/auth/tokens';
import { InProcessCache } from '../shared/adapters/cache/in-process.cache';
import { createRedisClient } from '../shared/adapters/cache/redis-client';
import { RedisCache } from '../shared/adapters/cache/redis.cache';
import { loadConfig, type Config } from '../shared/config/load-config';
import { assert } from '../shared/errors/assert';
import type { Logger } from '../shared/telemetry/logger';
import { createHttpServer, registerService } from '../shared/http/create-http-server';
import { healthRoutes } from '../shared/http/health.routes';
import { webAppRoutes } from '../shared/http/web-app.routes';
import { createRateLimitHooks, type RateLimitHooks } from '../shared/http/rate-limit';
import { LoginLimiter, type LoginAttempts } from '../shared/http/rate-limit-login';
import { RateLimiter } from '../shared/http/rate-limiter';
import type { Cache } from '../shared/ports/cache.port';
import { resolveJwtSecret } from '../shared/runtime/jwt-secret';
import { openRuntime, type Runtime } from './runtime/runtime';
import { summaryWriterOf } from './runtime/summary-writer';
import { openPayments } from './runtime/payments';
import { selfUrl } from './runtime/self-url';
import { simulatorRoutes } from './runtime/simulator.routes';
import { commandApi } from '../command-api/src/command-api.plugin';
import { bootstrapSystemAccounts } from '../command-api/src/bootstrap-system-accounts';
import { createCommandDeps } from '../command-api/src/command-deps';
import { queryApi } from '../query-api/src/query-api.plugin';
import { devMailboxRoutes, type MailboxReader } from '../shared/http/dev-mailbox.routes';
import type { IntegrationFeed } from '../shared/ports/integration-feed.port';
import type { Mailer } from '../shared/ports/mailer.port';
import type { PaymentsPort } from '../shared/ports/payments.port';
import { mailerFor } from './runtime/mailer';
import {
  BACKGROUND_SERVICE_NAMES, startBackgroundServices, type BackgroundServiceName,
} from './runtime/background-services';
import {
  backgroundThreadWanted, startBackgroundThread, type BackgroundThread,
} from './runtime/background-thread';

export const SERVICE_NAMES = ['command-api', 'query-api', 'projector', 'sagas'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const WEB_APP_DIRECTORY = path.resolve(__dirname, '../web/dist');

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
  const { logger, pool, metrics } = runtime;
  const stops: Array<() => Promise<void>> = [];
  const auth = await createAuth(runtime, stops);
  const { cache, authenticate } = auth;
  const app = await createHttpServer({
    logger,
    metrics,
    version: process.env.npm_package_version ?? 'dev',
    trustProxy: config.TRUST_PROXY,
    replyChecks: config.NODE_ENV === 'production' ? 'fast' : 'checked',
  });
  // /metrics shows this thread's registry, and the background thread's once it runs.
  const exposition = { text: () => metrics.registry.metrics() };
  await healthRoutes(app, { ...runtime, metricsText: () => exposition.text() });
  const background = BACKGROUND_SERVICE_NAMES.filter((name) => names.includes(name));
  const threaded = backgroundThreadWanted(config.BACKGROUND_THREAD, availableParallelism())
    && background.length > 0
    && (names.includes('command-api') || names.includes('query-api'))
    && options.integrationFeed === undefined;
  const thread: { running?: BackgroundThread } = {};
  const mail = await createMail(app, names, runtime, stops, threaded
    ? { list: async () => (await thread.running?.mailbox.list()) ?? [] }
    : undefined);
  let selfBase = selfUrl(config.HOST, config.PORT);
  const serverUrl = () => selfBase;
  const { payments, simulator } = await openPayments(config, pool, serverUrl);
  if (simulator) await registerService(app, simulatorRoutes(simulator, serverUrl));
  if (names.includes('command-api')) {
    await registerCommandApi(app, runtime, { ...auth, payments });
  }
  if (names.includes('query-api')) {
    await registerQueryApi(app, runtime, cache, authenticate);
    // The web wallet's page and assets (built by `npm run build:web` into web/dist).
    await registerService(app, webAppRoutes(WEB_APP_DIRECTORY));
  }
  const started = await startBackground(background, threaded, runtime, cache, {
    ...(mail ? { mailer: mail } : {}),
    ...(options.integrationFeed ? { feed: options.integrationFeed } : {}),
  });
  if (started.thread) {
    const running = started.thread;
    thread.running = running;
    exposition.text = () => running.metricsText();
  }
  stops.unshift(() => started.stop());
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

/**
 * The projector and the sagas: in the background thread (its own pool on the database this
 * thread resolved, the embedded one included), or on this thread with its mailer.
 */
async function startBackground(
  names: readonly BackgroundServiceName[],
  threaded: boolean,
  runtime: Runtime,
  cache: Cache,
  mail: Readonly<{ mailer?: Mailer; feed?: IntegrationFeed }>,
): Promise<{ stop(): Promise<void>; thread?: BackgroundThread }> {
  const { config, metrics, logger } = runtime;
  if (names.length === 0) return { stop: async () => undefined };
  if (threaded) {
    const data = { config: { ...config, DATABASE_URL: runtime.database.url }, names };
    const thread = await startBackgroundThread({ data, cache, metrics, logger });
    return { stop: () => thread.stop(), thread };
  }
  assert(mail.mailer !== undefined, 'the sagas on this thread have its mailer');
  return startBackgroundServices(names, runtime, cache, { ...mail, mailer: mail.mailer });
}

/** The command API, after making sure the system accounts exist. */
async function registerCommandApi(
  app: FastifyInstance,
  runtime: Runtime,
  deps: Awaited<ReturnType<typeof createAuth>> & Readonly<{ payments: PaymentsPort }>,
): Promise<void> {
  const { config, logger, pool, store, metrics } = runtime;
  const { tokens, sessions, authenticate, accessTokenTtlMs, sharedCache, payments } = deps;
  await bootstrapSystemAccounts(store, new Date());
  const refreshTokens = new RefreshTokenStore({ pool, accessTokenTtlMs });
  await registerService(app, commandApi({
    ...createCommandDeps(store, metrics),
    tokens,
    refreshTokens,
    sessions,
    accessTokenTtlMs,
    authenticate,
    payments,
    logger,
    ...(config.RATE_LIMITS === 'on' ? { rateLimits: createRateLimits(runtime, sharedCache) } : {}),
  }));
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
      walletStreams: {
        streamsPerUserMax: config.WALLET_STREAMS_PER_USER_MAX,
        heartbeatIntervalMs: config.WALLET_STREAM_HEARTBEAT_MS,
        pollIntervalMs: config.WALLET_STREAM_POLL_MS,
      },
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
 * The Mailer (SMTP with SMTP_URL, else the development mailbox) when the sagas run on this
 * thread, and, in development mode in a process that runs the sagas (which fill it),
 * GET /dev/mailbox. With the sagas in the background thread, that thread owns the mailer and
 * `threadMailbox` reads its mailbox; no mailer is returned.
 */
async function createMail(
  app: FastifyInstance,
  names: readonly ServiceName[],
  runtime: Runtime,
  stops: Array<() => Promise<void>>,
  threadMailbox: MailboxReader | undefined,
): Promise<Mailer | undefined> {
  const { config, logger } = runtime;
  if (!config.SMTP_URL && config.NODE_ENV === 'production') {
    logger.warn('SMTP_URL is not set: notification e-mails stay in memory and reach nobody');
  }
  const mail = threadMailbox ? undefined : mailerFor(config);
  if (mail) stops.push(async () => mail.close());
  const hasDevMailbox = !config.SMTP_URL && config.NODE_ENV !== 'production';
  const reader = threadMailbox ?? mail?.devMailbox ?? undefined;
  // It shows everyone's mail without a token: only where nobody else can connect.
  if (hasDevMailbox && reader && names.includes('sagas')) {
    if (isLoopback(config.HOST)) await devMailboxRoutes(app, reader);
    else logger.warn({ host: config.HOST }, 'GET /dev/mailbox is off: HOST is not a loopback address');
  }
  return mail?.mailer;
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
