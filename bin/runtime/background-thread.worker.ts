// The background thread's side (see ./background-thread.ts): opens its own runtime (pool,
// event store, metrics without the process-wide ones) on the database the API thread
// resolved, starts the projector and the sagas, and answers the API thread's calls: `stop`,
// `metrics` (its registry, for /metrics) and `mailbox` (the development mailbox it fills).
// The wallet views the projector caches go to Redis when configured, else back to the API
// thread's in-process cache, which is the one the query API reads.
import { parentPort, workerData } from 'node:worker_threads';
import { createRedisClient } from '../../shared/adapters/cache/redis-client';
import { RedisCache } from '../../shared/adapters/cache/redis.cache';
import { RemoteCache } from '../../shared/adapters/cache/remote.cache';
import { portRpc } from '../../shared/concurrency/port-rpc';
import type { Cache } from '../../shared/ports/cache.port';
import { createLogger } from '../../shared/telemetry/logger';
import { createMetrics } from '../../shared/telemetry/metrics';
import { startBackgroundServices } from './background-services';
import type { BackgroundThreadData } from './background-thread';
import { mailerFor } from './mailer';
import { openRuntime } from './runtime';
import { stopTracing } from './tracing';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('background-thread.worker.ts runs only as a worker thread');
  const { config, names } = workerData as BackgroundThreadData;
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const mail = mailerFor(config);
  const rpc = portRpc(port, {
    stop: () => (stopping ??= (async () => {
      for (const step of stops) await step();
    })()),
    metrics: () => runtime.metrics.registry.getMetricsAsJSON(),
    mailbox: () => mail.devMailbox?.list() ?? [],
  });
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'tng-background' });
  const metrics = createMetrics({ processMetrics: false });
  const runtime = await openRuntime(config, { migrate: false, logger, metrics });
  // Its own spans are exported before the API thread terminates it.
  stops.push(() => runtime.close(), async () => mail.close(), () => stopTracing());
  const cache = openCache(config.REDIS_URL, logger, stops) ?? new RemoteCache(rpc);
  const services = startBackgroundServices(names, runtime, cache, { mailer: mail.mailer });
  stops.unshift(() => services.stop());
  await rpc.call('ready');
}

function openCache(
  redisUrl: string | undefined,
  logger: ReturnType<typeof createLogger>,
  stops: Array<() => Promise<void>>,
): Cache | null {
  if (!redisUrl) return null;
  const redis = createRedisClient(redisUrl, logger);
  stops.push(async () => {
    redis.disconnect();
  });
  return new RedisCache({ client: redis });
}

// A failed start rejects here; the API thread receives the error ('error' event) and fails
// its own start with it.
void main();
