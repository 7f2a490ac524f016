// The cache port: a narrow key-value store with mandatory expiry, used for the balance cache,
// the idempotency response cache, the insight cache, rate-limit counters and the session
// deny-list. A cache serves speed, never correctness (docs/architecture.md "Redis"): every value
// must be rebuildable from Postgres, so a cache may lose any entry at any time.
// Invariants: every entry expires (no ttl-less writes); keys and values are bounded; a shared
// adapter (Redis) reports failures as InfraError so callers can degrade instead of failing.
// Every adapter passes shared/testing/contracts/cache.contract.ts.

/** Longest key accepted, in characters; keys are built from ids, never from request bodies. */
export const CACHE_KEY_LENGTH_MAX = 512;
/** Largest value accepted, in characters: a stored idempotent response fits (body <= 1 MiB). */
export const CACHE_VALUE_LENGTH_MAX = 2 * 1024 * 1024;
/** Longest time to live: 30 days. Anything longer is a record, and belongs in Postgres. */
export const CACHE_TTL_MS_MAX = 30 * 24 * 60 * 60 * 1000;

export type WindowCount = Readonly<{
  /** Increments in the current window, this one included (starts at 1). */
  count: number;
  /** Milliseconds until the window closes and the count starts again (for Retry-After). */
  resetInMs: number;
}>;

export interface Cache {
  /** The value, or null if absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlMs` (1 ms to CACHE_TTL_MS_MAX), replacing any previous value. */
  set(key: string, value: string, options: { ttlMs: number }): Promise<void>;
  /** Removes the key; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Fixed-window counter for rate limits: adds one to `key`'s count in the current window of
   * `windowMs` (which starts at the first increment) and returns the new count. Use a key
   * namespace of its own: the counter shares the key space with get/set.
   */
  incrementWindow(key: string, windowMs: number): Promise<WindowCount>;
}
