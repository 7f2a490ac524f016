// The runtime holds the process's shared adapters: config, logger, metrics, the database
// (embedded or DATABASE_URL, migrated under node-pg-migrate's lock) and its pool. Services
// and CLI commands receive it; nothing else opens connections. It also wires the adapters'
// observers into metrics (the pool's checkouts, the event store's appends).
import { Pool, types } from 'pg';
import type { Config } from '../config/load-config';
import { migrate } from '../adapters/postgres/migrate';
import { createLogger, type Logger } from '../telemetry/logger';
import { createMetrics, type Metrics } from '../telemetry/metrics';
import { appendObserver, observePool } from '../telemetry/storage-observers';
import { openDatabase, type DatabaseHandle } from './open-database';
import { PostgresEventStore } from '../adapters/event-store/postgres.event-store';
import { domainEventCodec } from '../domain/event-codec';
import type { EventStore } from '../ports/event-store.port';

export type Runtime = {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  database: DatabaseHandle;
  pool: Pool;
  store: EventStore;
  close(): Promise<void>;
};

/** int8 as bigint, numeric as string: no float ever leaves the database. */
export const PG_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8) return (value: string) => BigInt(value);
    if (oid === types.builtins.NUMERIC) return (value: string) => value;
    return types.getTypeParser(oid, format);
  },
} as const;

export async function openRuntime(
  config: Config,
  options: { logger?: Logger; migrate?: boolean } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const metrics = createMetrics();
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
  const store = new PostgresEventStore({
    connection: { pool },
    codec: domainEventCodec,
    observer: appendObserver(metrics),
  });
  return {
    config,
    logger,
    metrics,
    database,
    pool,
    store,
    close: async () => {
      await store.close();
      await pool.end();
      await database.stop();
    },
  };
}
