// Runs an async task now and then every `intervalMs` until stopped, one run at a time (a slow
// run delays the next; runs never overlap). A failed run is logged and the next one goes
// ahead on schedule, so a passing outage never kills a background process. `stop()` waits for
// the run in progress to finish, so a service can close its pool right after.
import { setTimeout as delay } from 'node:timers/promises';
import { assert } from '../errors/assert';

export const PERIODIC_INTERVAL_MS_MIN = 10;
export const PERIODIC_INTERVAL_MS_MAX = 60 * 60 * 1000;

export type PeriodicTaskLog = Readonly<{
  error(fields: Record<string, unknown>, message: string): void;
}>;

export type PeriodicTaskOptions = Readonly<{
  name: string;
  intervalMs: number;
  run: (signal: AbortSignal) => Promise<void>;
  log: PeriodicTaskLog;
}>;

export type PeriodicTask = Readonly<{ stop(): Promise<void> }>;

export function startPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  assert(options.intervalMs >= PERIODIC_INTERVAL_MS_MIN, 'interval at least the minimum');
  assert(options.intervalMs <= PERIODIC_INTERVAL_MS_MAX, 'interval at most the maximum');
  const controller = new AbortController();
  const loop = runUntilAborted(options, controller.signal);
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}

async function runUntilAborted(options: PeriodicTaskOptions, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await options.run(signal);
    } catch (error) {
      if (!signal.aborted) options.log.error({ err: error, task: options.name }, 'task failed');
    }
    // Rejects with AbortError when stopped, which only ends the wait.
    await delay(options.intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
