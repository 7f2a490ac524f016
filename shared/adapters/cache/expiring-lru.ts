// A synchronous, bounded least-recently-used map whose entries also expire at a given time.
// Used by the in-process cache and by the verified-access-token cache. Invariants: it never
// holds more than `entriesMax` entries (the least recently used goes first), and it never
// returns an entry at or after its expiry time. Expired entries are dropped lazily when read
// or when they reach the cold end of the order, so no timer is needed.

export type ExpiringEntry<V> = Readonly<{ value: V; expiresAtMs: number }>;

export class ExpiringLru<V> {
  // A Map iterates in insertion order; re-inserting on read keeps the coldest entry first.
  private readonly entries = new Map<string, ExpiringEntry<V>>();

  constructor(
    private readonly entriesMax: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1) {
      throw new RangeError('entriesMax must be a positive integer');
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.getEntry(key)?.value;
  }

  getEntry(key: string): ExpiringEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAtMs <= this.nowMs()) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, value: V, expiresAtMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs });
    // One insertion can overflow by one; the loop is bounded by the overflow, not the size.
    while (this.entries.size > this.entriesMax) {
      const coldest = this.entries.keys().next();
      if (coldest.done === true) break;
      this.entries.delete(coldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
