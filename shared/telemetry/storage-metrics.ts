// What operators watch of the storage path: the database pool (connections open, idle, and
// requests queued for one, read at each scrape; how long a checkout waited), appends (their
// latency and the group-commit batches that carry them) and projector batches. Adapters do
// not know about these: the composition root (shared/runtime) hands them observers.
import client from 'prom-client';

/** The figures a pg Pool exposes; read at scrape time, summed over the pools watched. */
export type PoolCounts = Readonly<{
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: Readonly<{ max?: number }>;
}>;

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function storageMetrics(registry: client.Registry) {
  return { ...poolMetrics(registry), ...appendMetrics(registry), ...projectorMetrics(registry) };
}

function poolMetrics(registry: client.Registry) {
  const pools = new Set<PoolCounts>();
  const gauge = (name: string, help: string, read: (pool: PoolCounts) => number) =>
    new client.Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set([...pools].reduce((sum, pool) => sum + read(pool), 0));
      },
    });
  gauge('tng_db_pool_connections', 'Postgres connections open in the pool', (p) => p.totalCount);
  gauge('tng_db_pool_idle_connections', 'Pool connections open but idle', (p) => p.idleCount);
  gauge(
    'tng_db_pool_waiting_requests',
    'Queries and checkouts queued for a connection because all are busy',
    (pool) => pool.waitingCount,
  );
  gauge('tng_db_pool_connections_max', 'Connections the pool may open', (p) => p.options.max ?? 0);
  const poolCheckoutWait = new client.Histogram({
    name: 'tng_db_pool_checkout_wait_seconds',
    help: 'Time from asking the pool for a connection to getting one (or failing)',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  /** Adds a pool to the gauges above (the process's pool, opened by the runtime). */
  const watchPool = (pool: PoolCounts): void => {
    pools.add(pool);
  };
  return { poolCheckoutWait, watchPool };
}

function appendMetrics(registry: client.Registry) {
  const appendDuration = new client.Histogram({
    name: 'tng_append_duration_seconds',
    help: 'Latency of one append: queued for the writer, written and committed',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const appendBatchSize = new client.Histogram({
    name: 'tng_append_batch_size',
    help: 'Appends written in one group-commit transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const appendBatchDuration = new client.Histogram({
    name: 'tng_append_batch_duration_seconds',
    help: 'Duration of one group-commit transaction, from its first statement to its commit',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  return { appendDuration, appendBatchSize, appendBatchDuration };
}

function projectorMetrics(registry: client.Registry) {
  const projectorBatchEvents = new client.Histogram({
    name: 'tng_projector_batch_events',
    help: 'Events applied in one projector transaction, per projection',
    labelNames: ['projection'] as const,
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const projectorBatchDuration = new client.Histogram({
    name: 'tng_projector_batch_duration_seconds',
    help: 'Duration of one projector transaction that applied events, per projection',
    labelNames: ['projection'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  return { projectorBatchEvents, projectorBatchDuration };
}
