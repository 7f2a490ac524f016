// Goal: the in-process cache passes the shared Cache contract, and stays within its bound
// (least recently used first) with expiry decided by the injected clock.
import { cacheContract } from '../../testing/contracts/cache.contract';
import { InProcessCache } from './in-process.cache';

cacheContract('in-process', async () => ({ cache: new InProcessCache(), stop: async () => {} }));

describe('InProcessCache bounds and clock', () => {
  test('holds at most entriesMax entries and drops the least recently used', async () => {
    const cache = new InProcessCache({ entriesMax: 2 });
    await cache.set('a', '1', { ttlMs: 1_000 });
    await cache.set('b', '2', { ttlMs: 1_000 });
    expect(await cache.get('a')).toBe('1'); // Reading 'a' makes 'b' the coldest.
    await cache.set('c', '3', { ttlMs: 1_000 });
    expect(await cache.get('b')).toBeNull();
    expect(await cache.get('a')).toBe('1');
    expect(await cache.get('c')).toBe('3');
  });

  test('expiry and windows follow the injected clock', async () => {
    let now = 1_000_000;
    const cache = new InProcessCache({ nowMs: () => now });
    await cache.set('k', 'v', { ttlMs: 100 });
    expect(await cache.incrementWindow('w', 100)).toEqual({ count: 1, resetInMs: 100 });
    now += 40;
    expect(await cache.incrementWindow('w', 100)).toEqual({ count: 2, resetInMs: 60 });
    expect(await cache.get('k')).toBe('v');
    now += 60;
    expect(await cache.get('k')).toBeNull();
    expect(await cache.incrementWindow('w', 100)).toEqual({ count: 1, resetInMs: 100 });
  });
});
