// Goal: the LRU used by the caches never exceeds its bound and never returns an expired entry.
import { ExpiringLru } from './expiring-lru';

test('evicts the least recently used entry beyond entriesMax', () => {
  const lru = new ExpiringLru<number>(3);
  for (const [index, key] of ['a', 'b', 'c'].entries()) lru.set(key, index, Infinity);
  lru.get('a');
  lru.set('d', 3, Infinity);
  expect(lru.size).toBe(3);
  expect(lru.get('b')).toBeUndefined();
  expect(['a', 'c', 'd'].map((key) => lru.get(key))).toEqual([0, 2, 3]);
});

test('an entry is absent from its expiry time on, and is then dropped', () => {
  let now = 0;
  const lru = new ExpiringLru<string>(10, () => now);
  lru.set('k', 'v', 100);
  now = 99;
  expect(lru.get('k')).toBe('v');
  now = 100;
  expect(lru.get('k')).toBeUndefined();
  expect(lru.size).toBe(0);
});

test('refuses a bound that is not a positive integer', () => {
  expect(() => new ExpiringLru(0)).toThrow(RangeError);
  expect(() => new ExpiringLru(1.5)).toThrow(RangeError);
});
