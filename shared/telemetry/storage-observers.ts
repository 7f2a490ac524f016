// Observers that record the storage path into metrics (storage-metrics.ts). The adapters
// expose hooks and know nothing of Prometheus; the runtime (the composition root of every
// process) connects the two here.
import type { Pool, PoolClient } from 'pg';
import type { Metrics } from './metrics';

/** A group-commit observer (shared/adapters/event-store/group-commit.ts) into metrics. */
export function appendObserver(
  metrics: Pick<Metrics, 'appendDuration' | 'appendBatchSize' | 'appendBatchDuration'>,
) {
  return {
    batchWritten: (requests: number, seconds: number) => {
      metrics.appendBatchSize.observe(requests);
      metrics.appendBatchDuration.observe(seconds);
    },
    requestSettled: (seconds: number) => metrics.appendDuration.observe(seconds),
  };
}

type ConnectCallback = (error: Error | undefined, client?: PoolClient, done?: unknown) => void;
type Connect = (callback?: ConnectCallback) => Promise<PoolClient> | undefined;

/**
 * Adds the pool to the pool gauges and times each checkout. `pool.query` checks a client out
 * through `this.connect` with a callback, so wrapping `connect` on the instance times every
 * query's wait too; both the callback and the promise form are kept.
 */
export function observePool(
  pool: Pool,
  metrics: Pick<Metrics, 'poolCheckoutWait' | 'watchPool'>,
): void {
  metrics.watchPool(pool);
  const connect = pool.connect.bind(pool) as unknown as Connect;
  const timed: Connect = (callback) => {
    const started = performance.now();
    const observe = () => metrics.poolCheckoutWait.observe((performance.now() - started) / 1_000);
    if (callback) {
      return connect((error, client, done) => {
        observe();
        callback(error, client, done);
      });
    }
    return connect()!.finally(observe);
  };
  pool.connect = timed as unknown as Pool['connect'];
}
