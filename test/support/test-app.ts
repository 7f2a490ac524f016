// Starts the whole system (all four services in one process) on a fresh database and a free
// port, for end-to-end tests that talk to it over real HTTP. The database comes migrated from
// the run's template, so nothing here loads the migration tool, unless a test brings its own
// database (e.g. as an older release left it) for the server to migrate at start.
import { loadConfig } from '../../shared/config/load-config';
import { createLogger } from '../../shared/telemetry/logger';
import { createFreshDatabase, type FreshDatabase } from '../../shared/testing/fresh-database';
import { testEnv } from '../../shared/testing/test-env';
import { SERVICE_NAMES, startServer, type Server, type ServiceName } from '../../bin/serve';
import type { IntegrationFeed } from '../../shared/ports/integration-feed.port';

export type TestApp = Readonly<{
  url: string;
  server: Server;
  db: FreshDatabase;
  stop(): Promise<void>;
}>;

export type TestAppOptions = {
  redis?: boolean;
  env?: Record<string, string>;
  /** A database to start on instead of a fresh clone; the server migrates it first. */
  database?: FreshDatabase;
  /** How the app reaches its database (e.g. through a proxy a test can take down). */
  databaseUrlVia?: (url: string) => string;
  /** What the notifications saga consumes; without one it follows the event log. */
  integrationFeed?: IntegrationFeed;
  /** The services to run (all four by default). */
  services?: readonly ServiceName[];
  /** Where log lines go (pino's JSON lines; at LOG_LEVEL), instead of stdout. */
  logDestination?: { write(line: string): void };
};

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.database ?? (await createFreshDatabase());
  const redisUrl = options.redis ? testEnv.redisUrl() : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: options.databaseUrlVia ? options.databaseUrlVia(db.url) : db.url,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMITS: 'off',
    DB_POOL_SIZE_MAX: '16',
    // The projector and sagas on the test's own thread: a background thread costs each app
    // about a second to load its modules. Suites about the thread pass BACKGROUND_THREAD=on
    // (as `tng serve` runs by default on 4 cores or more); TEST_BACKGROUND_THREAD=on runs
    // every app that way.
    BACKGROUND_THREAD: process.env.TEST_BACKGROUND_THREAD ?? 'off',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...options.env,
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const migrate = options.database !== undefined;
  const server = await startServer(options.services ?? SERVICE_NAMES, {
    config, migrate, logger,
    ...(options.integrationFeed ? { integrationFeed: options.integrationFeed } : {}),
  });
  return {
    url: server.url,
    server,
    db,
    stop: async () => {
      await server.stop();
      await db.drop();
    },
  };
}
