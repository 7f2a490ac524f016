// Goal: a subscriber hands over every event exactly once, in order and in bounded batches,
// catches up from a checkpoint, wakes on appends rather than waiting out its poll interval,
// and stops when aborted.
import { START_POSITION, type RecordedEvent } from '../../ports/event-store.port';
import { aStreamId, someEvents } from '../../testing/event-builders';
import { InMemoryEventStore } from './in-memory.event-store';
import { subscribe } from './subscribe';

const WAIT_MS_MAX = 5_000;

describe('subscribe', () => {
  let store: InMemoryEventStore;
  beforeEach(() => { store = new InMemoryEventStore(); });
  afterEach(() => store.close());

  const append = (count: number) => store.append({
    streams: [{ streamId: aStreamId(), expectedVersion: 'any', events: someEvents(count) }],
  });

  test('hands over the backlog and then new appends, in order and in bounded batches', async () => {
    await append(5);
    const batches: RecordedEvent[][] = [];
    const abort = new AbortController();
    const running = subscribe(store, {
      after: START_POSITION, batchSizeMax: 2, signal: abort.signal,
      // A poll interval far beyond the test's patience: only a wake-up can deliver in time.
      pollMs: 60_000,
      onBatch: async (events) => { batches.push([...events]); },
    });
    await until(() => batches.flat().length === 5);
    await append(3);
    await until(() => batches.flat().length === 8);
    abort.abort();
    const last = await running;

    expect(batches.every((batch) => batch.length >= 1 && batch.length <= 2)).toBe(true);
    const seen = batches.flat();
    const all = await store.readAll({ after: START_POSITION, limit: 100 });
    expect(seen).toEqual(all);
    expect(last).toEqual(all[all.length - 1]!.position);
  });

  test('resumes after its checkpoint without replaying', async () => {
    await append(3);
    const [, second] = await store.readAll({ after: START_POSITION, limit: 2 });
    const seen: RecordedEvent[] = [];
    const abort = new AbortController();
    const running = subscribe(store, {
      after: second!.position, batchSizeMax: 10, signal: abort.signal,
      onBatch: async (events) => { seen.push(...events); },
    });
    await until(() => seen.length === 1);
    abort.abort();
    await running;
    expect(seen.map((event) => event.streamVersion)).toEqual([3n]);
  });

  test('a failing onBatch ends the subscription with its error, without advancing', async () => {
    await append(1);
    const abort = new AbortController();
    const running = subscribe(store, {
      after: START_POSITION, batchSizeMax: 10, signal: abort.signal,
      onBatch: async () => { throw new Error('projection failed'); },
    });
    await expect(running).rejects.toThrow('projection failed');
  });

  test('an abort while caught up ends the wait at once', async () => {
    const abort = new AbortController();
    const running = subscribe(store, {
      after: START_POSITION, batchSizeMax: 10, signal: abort.signal, pollMs: 60_000,
      onBatch: async () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const abortedMs = Date.now();
    abort.abort();
    expect(await running).toEqual(START_POSITION);
    expect(Date.now() - abortedMs).toBeLessThan(1_000);
  });
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
