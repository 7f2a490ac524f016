// Serialises work per key inside one process (e.g. per wallet), so concurrent commands on one
// wallet queue here instead of racing to a version conflict in the database. It is a speed
// device only: correctness still comes from the event store's expected versions.

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier holder of any of `keys` has finished. */
  async withKeys<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    // Sorted and de-duplicated, so two callers locking {a, b} and {b, a} cannot deadlock.
    const ordered = [...new Set(keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const key of ordered) releases.push(await this.acquire(key));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Number of keys with a holder or waiters (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Forget the key once nobody queued behind us, so the map stays bounded by activity.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
