// The composition root's runtime: it chooses and opens the process's adapters (config,
// logger, metrics, the database, embedded or DATABASE_URL, migrated under node-pg-migrate's
// lock, its pool, and the event store chosen by ./event-store.ts). Services and CLI commands
// receive it and see only ports; nothing else opens connections. It also wires the adapters'
// observers into metrics (the pool's checkouts, the event store's appends).
import { Pool } from 'pg';
import type { Config } from '../../shared/config/load-config';
import { migrate } from '../../shared/adapters/postgres/migrate';
import { PG_TYPES } from '../../shared/adapters/postgres/pg-types';
import { createLogger, type Logger } from '../../shared/telemetry/logger';
import { createMetrics, type Metrics } from '../../shared/telemetry/metrics';
import { observePool } from '../../shared/telemetry/storage-observers';
import type { EventStore } from '../../shared/ports/event-store.port';
import { eventStoreFor } from './event-store';
import { openDatabase, type DatabaseHandle } from './open-database';
import { createPgReadDatabase } from '../../shared/adapters/postgres/pg-read-database';
import type { ReadDatabase } from '../../shared/ports/read-database.port';

export type Runtime = {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  database: DatabaseHandle;
  pool: Pool;
  /** Typed queries of the read models, over `pool` (pg-read-database.ts). */
  readDatabase: ReadDatabase;
  store: EventStore;
  close(): Promise<void>;
};

export async function openRuntime(
  config: Config,
  options: { logger?: Logger; migrate?: boolean; metrics?: Metrics } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const openStore = eventStoreFor(config);
  const metrics = options.metrics ?? createMetrics();
  const database = await openDatabase(config, (line) => logger.info(line));
  try {
    if (options.migrate ?? true) {
      const applied = await migrate(database.url, (line) => logger.debug(line));
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
  } catch (error) {
    await database.stop();
    throw error;
  }
  const pool = new Pool({
    connectionString: database.url,
    max: config.DB_POOL_SIZE_MAX,
    // Without it a request would wait for a connection forever; with it, an exhausted pool or
    // an unreachable server fails the request (503 unavailable) after this long.
    connectionTimeoutMillis: config.DB_CONNECT_TIMEOUT_MS,
    types: PG_TYPES,
    application_name: 'tng',
  });
  const onClientError = (error: Error & { code?: string }) => {
    // 57P01: the server is shutting down (Ctrl-C reaches the embedded Postgres too).
    if (error.code === '57P01') logger.debug('Postgres is shutting down');
    else logger.warn({ err: error }, 'Postgres connection failed');
  };
  pool.on('error', onClientError);
  // A connection that dies while checked out (a projector batch, say) emits on the client;
  // the query in flight fails on its own, and without a listener the process would crash.
  pool.on('connect', (client) => client.on('error', onClientError));
  observePool(pool, metrics);
  // Rows are checked against their schemas except in production, where the check would cost
  // reads about a third more CPU (docs/architecture.md, "Read side").
  const readDatabase = createPgReadDatabase(pool, { checkRows: config.NODE_ENV !== 'production' });
  const store = openStore(pool, metrics);
  return {
    config,
    logger,
    metrics,
    database,
    pool,
    readDatabase,
    store,
    close: async () => {
      await store.close();
      await pool.end();
      await database.stop();
    },
  };
}
