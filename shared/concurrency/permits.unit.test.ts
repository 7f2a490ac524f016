// Goal: Permits never lets more than its maximum run at once, runs waiters in arrival order,
// and frees a permit whether the work resolves or throws.
import { Permits } from './permits';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('at most permitsMax run at once; waiters run in arrival order', async () => {
  const permits = new Permits(2);
  const started: number[] = [];
  const releases: Array<() => void> = [];
  const runs = [0, 1, 2, 3].map((index) => permits.with(async () => {
    started.push(index);
    await new Promise<void>((resolve) => releases.push(resolve));
    return index;
  }));
  await tick();
  expect(started).toEqual([0, 1]);
  expect(permits.load).toEqual({ held: 2, waiting: 2 });
  releases[1]!();
  await tick();
  expect(started).toEqual([0, 1, 2]);
  releases[0]!();
  await tick();
  expect(started).toEqual([0, 1, 2, 3]);
  releases[2]!();
  releases[3]!();
  expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  expect(permits.load).toEqual({ held: 0, waiting: 0 });
});

test('a permit is freed when the work throws', async () => {
  const permits = new Permits(1);
  await expect(permits.with(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  expect(await permits.with(async () => 'next')).toBe('next');
  expect(permits.load).toEqual({ held: 0, waiting: 0 });
});
