// Tails the global log for projectors, sagas and the bus relay: read a batch after the
// checkpoint, hand it over, repeat; when caught up, sleep until an append wakes the store
// (or SUBSCRIBE_POLL_MS passes, in case a wake-up was lost). The caller's onBatch owns the
// checkpoint: it stores the last position with its effects, and restarts pass it as
// `after`. The loop ends when `signal` aborts, or with the first error it meets.
import { assert } from '../../errors/assert';
import {
  comparePositions, type EventStore, type Position, type RecordedEvent,
} from '../../ports/event-store.port';
import { READ_LIMIT_MAX } from './append-request';

/** The longest a caught-up subscriber sleeps before looking again without a wake-up. */
export const SUBSCRIBE_POLL_MS = 250;

export type SubscribeOptions = Readonly<{
  after: Position;
  batchSizeMax: number;
  onBatch: (events: readonly RecordedEvent[]) => Promise<void>;
  signal: AbortSignal;
  pollMs?: number;
}>;

/** Resolves with the position of the last event handed over, once `signal` aborts. */
export async function subscribe(store: EventStore, options: SubscribeOptions): Promise<Position> {
  const { batchSizeMax, onBatch, signal } = options;
  assert(batchSizeMax >= 1 && batchSizeMax <= READ_LIMIT_MAX, 'a batch is bounded');
  let after = options.after;
  // Unbounded on purpose: a subscription lives as long as its process; `signal` ends it.
  while (!signal.aborted) {
    const events = await store.readAll({ after, limit: batchSizeMax });
    if (events.length === 0) {
      await waitForAppendOrAbort(store, options.pollMs ?? SUBSCRIBE_POLL_MS, signal);
      continue;
    }
    assertInOrder(after, events);
    await onBatch(events);
    const last = events[events.length - 1];
    assert(last !== undefined, 'a batch that is not empty has a last event');
    after = last.position;
  }
  return after;
}

// Paired with readAll's ordering: a batch that goes backwards would replay or skip events.
function assertInOrder(after: Position, events: readonly RecordedEvent[]): void {
  let previous = after;
  for (const event of events) {
    assert(comparePositions(previous, event.position) < 0, 'readAll returns events in order');
    previous = event.position;
  }
}

function waitForAppendOrAbort(
  store: EventStore,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    store.waitForAppend(timeoutMs).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
