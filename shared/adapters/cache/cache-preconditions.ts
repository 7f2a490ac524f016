// Preconditions of the Cache port, asserted by every adapter at its boundary (a port's
// preconditions are checked where a caller crosses it), so an unbounded key, value or lifetime is
// caught as a bug the same way in every adapter.
import { assert } from '../../errors/assert';
import { CACHE_KEY_LENGTH_MAX, CACHE_TTL_MS_MAX, CACHE_VALUE_LENGTH_MAX } from '../../ports/cache.port';

export function assertCacheKey(key: string): void {
  assert(key.length > 0, 'a cache key is not empty');
  assert(key.length <= CACHE_KEY_LENGTH_MAX, 'a cache key is at most CACHE_KEY_LENGTH_MAX long');
}

export function assertCacheValue(value: string): void {
  assert(value.length <= CACHE_VALUE_LENGTH_MAX, 'a cache value is at most CACHE_VALUE_LENGTH_MAX');
}

/** Used for both ttlMs and windowMs: a whole number of milliseconds within the maximum. */
export function assertCacheDurationMs(durationMs: number): void {
  assert(Number.isSafeInteger(durationMs), 'a cache duration is a whole number of milliseconds');
  assert(durationMs >= 1, 'a cache duration is at least 1 ms');
  assert(durationMs <= CACHE_TTL_MS_MAX, 'a cache duration is at most CACHE_TTL_MS_MAX');
}
