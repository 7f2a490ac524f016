// The keyed mutex runs holders of one key one at a time, in arrival order, and never
// deadlocks on overlapping key sets.
import { KeyedMutex } from './keyed-mutex';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('holders of one key run one at a time, in order', async () => {
  const mutex = new KeyedMutex();
  const log: string[] = [];
  const job = (name: string) =>
    mutex.withKeys(['w1'], async () => {
      log.push(`${name}:start`);
      await tick();
      log.push(`${name}:end`);
    });
  await Promise.all([job('a'), job('b'), job('c')]);
  expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  expect(mutex.size).toBe(0);
});

test('overlapping key sets in opposite order do not deadlock', async () => {
  const mutex = new KeyedMutex();
  let done = 0;
  const jobs = Array.from({ length: 50 }, (_, i) =>
    mutex.withKeys(i % 2 ? ['a', 'b'] : ['b', 'a'], async () => {
      await tick();
      done += 1;
    }),
  );
  await Promise.all(jobs);
  expect(done).toBe(50);
});

test('a failing holder releases its keys', async () => {
  const mutex = new KeyedMutex();
  await expect(
    mutex.withKeys(['k'], async () => {
      throw new Error('boom');
    }),
  ).rejects.toThrow();
  await expect(mutex.withKeys(['k'], async () => 'next')).resolves.toBe('next');
});
