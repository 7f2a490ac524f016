// `tng serve` with an API and the background services in one process: the projector and the
// sagas run in a worker thread (./background-thread.worker.ts), so the time they spend
// reading the log, folding events and writing read models and e-mails is never time the API's
// event loop cannot answer requests (docs/performance.md). The thread opens its own pool on
// the database this thread resolved (the embedded one included); the two talk over port-rpc:
// the thread asks for the in-process cache (wallet views) and says when it is ready; this
// side asks it for its metrics (added to /metrics), its development mailbox, and to stop.
// A thread that dies is started again after a pause: projections and sagas resume from their
// checkpoints, so nothing is skipped or applied twice.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { cacheHandlers } from '../../shared/adapters/cache/remote.cache';
import { portRpc, type PortRpc } from '../../shared/concurrency/port-rpc';
import type { Config } from '../../shared/config/load-config';
import type { MailboxEntries, MailboxReader } from '../../shared/http/dev-mailbox.routes';
import type { Cache } from '../../shared/ports/cache.port';
import type { Logger } from '../../shared/telemetry/logger';
import type { Metrics } from '../../shared/telemetry/metrics';
import type { BackgroundServiceName } from './background-services';

export type BackgroundThreadData = Readonly<{
  config: Config;
  names: readonly BackgroundServiceName[];
}>;

export type BackgroundThread = Readonly<{
  /** Prometheus text of this thread's registry and the background thread's together. */
  metricsText(): Promise<string>;
  mailbox: MailboxReader;
  stop(): Promise<void>;
}>;

/**
 * BACKGROUND_THREAD=auto runs the thread only with this many cores or more. On two cores
 * (Postgres, the API and the thread sharing them) it cost a quarter of the transfer
 * throughput and 50-90 MB of memory, with projection lag under a second either way
 * (docs/performance.md, "The background thread").
 */
export const BACKGROUND_THREAD_CORES_MIN = 4;

/** Whether `tng serve` runs the background services in a thread, by BACKGROUND_THREAD. */
export const backgroundThreadWanted = (setting: 'on' | 'off' | 'auto', cores: number) =>
  setting === 'on' || (setting === 'auto' && cores >= BACKGROUND_THREAD_CORES_MIN);

/** How long a dead thread waits before it starts again. */
export const RESTART_DELAY_MS = 1_000;
/** How long a stop waits for the thread to finish its step and exit before terminating it. */
export const STOP_TIMEOUT_MS = 30_000;

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

const WORKER_ENTRY = path.join(__dirname, 'background-thread.worker.ts');
const TRACING_ENTRY = path.join(__dirname, 'tracing.ts');
// The worker loads TypeScript the way bin/tng.cjs does; it has a module system of its own, and
// its own tracing SDK (started first, when configured, like the main thread's).
const WORKER_SOURCE = `require('tsx/cjs'); require(${JSON.stringify(TRACING_ENTRY)}).startTracing();` +
  ` require(${JSON.stringify(WORKER_ENTRY)});`;

export async function startBackgroundThread(deps: Readonly<{
  data: BackgroundThreadData;
  cache: Cache;
  metrics: Metrics;
  logger: Logger;
}>): Promise<BackgroundThread> {
  const state: { current: Running; stopping: boolean } = {
    current: await startWorker(deps),
    stopping: false,
  };
  const watch = (running: Running) => {
    void running.exited.then(async (code) => {
      if (state.stopping) return;
      deps.logger.error({ code }, 'background thread exited; starting it again');
      await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      if (state.stopping) return;
      try {
        state.current = await startWorker(deps);
        watch(state.current);
      } catch (error) {
        deps.logger.error({ err: error }, 'background thread failed to start again');
        watch({ ...running, exited: Promise.resolve(code) });
      }
    });
  };
  watch(state.current);
  return {
    metricsText: async () => {
      const own = await deps.metrics.registry.getMetricsAsJSON();
      const theirs = await state.current.rpc.call<MetricsJson>('metrics').catch(() => []);
      return AggregatorRegistry.aggregate([own, theirs] as MetricsJson[]).metrics();
    },
    mailbox: {
      list: () => state.current.rpc.call<MailboxEntries>('mailbox').catch(() => []),
    },
    stop: async () => {
      state.stopping = true;
      await stopWorker(state.current, deps.logger);
    },
  };
}

type Running = Readonly<{ worker: Worker; rpc: PortRpc; exited: Promise<number> }>;

async function startWorker(deps: Readonly<{
  data: BackgroundThreadData;
  cache: Cache;
  logger: Logger;
}>): Promise<Running> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: deps.data });
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const rpc = portRpc(worker, { ...cacheHandlers(deps.cache), ready: () => ready() });
  const exited = new Promise<number>((resolve) => {
    worker.once('exit', (code) => {
      rpc.close('the background thread exited');
      resolve(code);
    });
  });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', (error) => {
      deps.logger.error({ err: error }, 'background thread failed');
      reject(error);
    });
  });
  failed.catch(() => undefined); // After start, an error is logged and the exit restarts it.
  const exitedEarly = exited.then((code) => {
    throw new Error(`the background thread exited (code ${code}) before it was ready`);
  });
  await Promise.race([isReady, failed, exitedEarly]);
  exitedEarly.catch(() => undefined);
  return { worker, rpc, exited };
}

async function stopWorker(running: Running, logger: Logger): Promise<void> {
  const timeout = setTimeout(() => {
    logger.error('the background thread did not stop in time; terminating it');
    void running.worker.terminate();
  }, STOP_TIMEOUT_MS);
  try {
    await running.rpc.call('stop').catch((error: unknown) => {
      logger.warn({ err: error }, 'the background thread stopped uncleanly');
    });
    // Its services stopped and its pool is closed: nothing is left in flight to lose.
    await running.worker.terminate();
    await running.exited;
  } finally {
    clearTimeout(timeout);
  }
}
