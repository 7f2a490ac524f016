// Goal: one wake-up from the store reaches every subscription of the process, including one
// that was busy reading when it came (the store keeps a single pending wake-up, which only one
// of several direct waiters would get); a wait with nothing signalled ends at its timeout or
// on abort; and the loop stops once every subscription has left.
import { AppendBroadcast } from './append-broadcast';

/** A store whose waitForAppend the test wakes by hand; counts the waits. */
function fakeStore() {
  const wakes = new Set<() => void>();
  return {
    waits: 0,
    waitForAppend(timeoutMs: number): Promise<void> {
      this.waits += 1;
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wakes.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        wakes.add(done);
      });
    },
    wake: () => [...wakes].forEach((done) => done()),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const never = () => new AbortController().signal;

test('a wake-up reaches a waiting subscription and one that was busy reading', async () => {
  const store = fakeStore();
  const broadcast = new AppendBroadcast(store);
  const leave = broadcast.join();
  try {
    const seenByBusy = broadcast.generation; // It starts reading...
    const seenByIdle = broadcast.generation;
    const idle = broadcast.waitAfter(seenByIdle, 10_000, never());
    await tick();
    store.wake(); // ...an append commits meanwhile...
    expect(await idle).toBe(true);
    // ...and after its empty read it does not wait at all.
    expect(await broadcast.waitAfter(seenByBusy, 10_000, never())).toBe(true);
  } finally {
    leave();
    store.wake();
  }
});

test('with nothing signalled, a wait ends at its timeout or on abort', async () => {
  const store = fakeStore();
  const broadcast = new AppendBroadcast(store);
  const leave = broadcast.join();
  try {
    const seen = broadcast.generation;
    expect(await broadcast.waitAfter(seen, 20, never())).toBe(false);
    const controller = new AbortController();
    const aborted = broadcast.waitAfter(seen, 10_000, controller.signal);
    controller.abort();
    expect(await aborted).toBe(false);
  } finally {
    leave();
    store.wake();
  }
});

test('the loop waits on the store only while someone has joined', async () => {
  const store = fakeStore();
  const broadcast = new AppendBroadcast(store);
  const leave = broadcast.join();
  await tick();
  expect(store.waits).toBe(1);
  leave();
  store.wake(); // Ends the current wait; nobody is left, so no other starts.
  await tick();
  expect(store.waits).toBe(1);
});
