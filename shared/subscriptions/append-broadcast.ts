// Append wake-ups for every subscription of one store, in one process. The store's
// waitForAppend keeps a single pending wake-up for whichever waiter comes next, so with
// several subscriptions on one store, one that was busy reading when an append committed
// could find the wake-up taken by another and sleep out its poll interval. Here a single loop
// waits on the store and counts wake-ups (`generation`); a subscription notes the count
// before it reads, and after an empty read waits only if nothing was signalled since. So no
// subscription misses a wake-up that came while it was reading. The loop runs while at
// least one subscription has joined.
import { setTimeout as delay } from 'node:timers/promises';
import type { EventStore } from '../ports/event-store.port';

/** One wait on the store; the loop waits again after it, while anyone listens. */
export const BROADCAST_WAIT_MS = 1_000;
const FAILED_WAIT_RETRY_MS = 100;
const TIMER_MARGIN_MS = 20;

type AppendWaitable = Pick<EventStore, 'waitForAppend'>;

export class AppendBroadcast {
  private count = 0;
  private members = 0;
  private loop: Promise<void> | null = null;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly store: AppendWaitable) {}

  /** Wake-ups signalled so far: note it before reading, pass it to `waitAfter`. */
  get generation(): number {
    return this.count;
  }

  /** Starts the loop if needed; call the returned function to leave. */
  join(): () => void {
    this.members += 1;
    this.loop ??= this.run();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.members -= 1;
    };
  }

  /**
   * Resolves true at once if a wake-up came after `seen`, or when one comes; false after
   * `timeoutMs` or when `signal` aborts.
   */
  waitAfter(seen: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (this.count > seen) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(onWake);
        resolve(woken);
      };
      const onWake = () => finish(true);
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.add(onWake);
    });
  }

  private async run(): Promise<void> {
    try {
      while (this.members > 0) {
        const started = performance.now();
        try {
          await this.store.waitForAppend(BROADCAST_WAIT_MS);
        } catch {
          // The store could not wait (closed, say): the subscriptions' own polls carry on.
          await delay(FAILED_WAIT_RETRY_MS);
          continue;
        }
        // Back before its timeout: an append (or a reconnected listener) says "look again".
        // The margin keeps a timer that fires a hair early from passing for a wake-up.
        if (performance.now() - started < BROADCAST_WAIT_MS - TIMER_MARGIN_MS) this.signal();
      }
    } finally {
      this.loop = null;
    }
  }

  private signal(): void {
    this.count += 1;
    for (const wake of [...this.waiting]) wake();
  }
}

const broadcasts = new WeakMap<AppendWaitable, AppendBroadcast>();

/** The one broadcast of `store` in this process. */
export function appendBroadcastOf(store: AppendWaitable): AppendBroadcast {
  let broadcast = broadcasts.get(store);
  if (!broadcast) {
    broadcast = new AppendBroadcast(store);
    broadcasts.set(store, broadcast);
  }
  return broadcast;
}
