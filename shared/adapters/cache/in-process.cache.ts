// The in-process Cache adapter, for the embedded default and for tests: a bounded LRU whose
// entries expire. It is per process, so counters and entries are not shared between replicas;
// that is acceptable because a cache never decides correctness. When full, the least recently
// used entry is dropped, which the port allows (a cache may lose any entry at any time).
import type { Cache, WindowCount } from '../../ports/cache.port';
import { assertCacheDurationMs, assertCacheKey, assertCacheValue } from './cache-preconditions';
import { ExpiringLru } from './expiring-lru';

/** Default bound on entries; about 10k small JSON values stay well under 100 MB. */
export const IN_PROCESS_CACHE_ENTRIES_MAX = 10_000;

export type InProcessCacheOptions = Readonly<{
  entriesMax?: number;
  /** Injected clock for tests; milliseconds since the epoch. */
  nowMs?: () => number;
}>;

export class InProcessCache implements Cache {
  private readonly entries: ExpiringLru<string>;
  private readonly nowMs: () => number;

  constructor(options: InProcessCacheOptions = {}) {
    this.nowMs = options.nowMs ?? Date.now;
    this.entries = new ExpiringLru(options.entriesMax ?? IN_PROCESS_CACHE_ENTRIES_MAX, this.nowMs);
  }

  async get(key: string): Promise<string | null> {
    assertCacheKey(key);
    return this.entries.get(key) ?? null;
  }

  async set(key: string, value: string, options: { ttlMs: number }): Promise<void> {
    assertCacheKey(key);
    assertCacheValue(value);
    assertCacheDurationMs(options.ttlMs);
    this.entries.set(key, value, this.nowMs() + options.ttlMs);
  }

  async delete(key: string): Promise<void> {
    assertCacheKey(key);
    this.entries.delete(key);
  }

  async incrementWindow(key: string, windowMs: number): Promise<WindowCount> {
    assertCacheKey(key);
    assertCacheDurationMs(windowMs);
    const now = this.nowMs();
    const current = this.entries.getEntry(key);
    const previousCount = current === undefined ? 0 : Number.parseInt(current.value, 10);
    // Either: a non-numeric value means the key was also used by set(), a caller bug the port
    // leaves undefined (Redis answers with an error); here the window simply starts again.
    const continues = current !== undefined && Number.isSafeInteger(previousCount);
    const count = continues ? previousCount + 1 : 1;
    const expiresAtMs = continues ? current.expiresAtMs : now + windowMs;
    this.entries.set(key, String(count), expiresAtMs);
    return { count, resetInMs: expiresAtMs - now };
  }
}
