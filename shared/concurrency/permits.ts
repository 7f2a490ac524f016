// A counting semaphore: at most `permitsMax` holders at once, the others wait in arrival
// order. The Postgres event store bounds its locked decisions with it, so they cannot take
// every pooled connection and leave none for the reads they wait on. The waiters are the
// callers in flight, which the process already bounds (requests, the command runner's locks).
import { assert } from '../errors/assert';

export class Permits {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly permitsMax: number) {
    assert(Number.isSafeInteger(permitsMax) && permitsMax >= 1, 'at least one permit');
  }

  /** Runs `work` once a permit is free, and frees it when `work` settles. */
  async with<T>(work: () => Promise<T>): Promise<T> {
    if (this.held < this.permitsMax) this.held += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // A waiter takes the permit over as it is, so `held` only falls when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.held -= 1;
    }
  }

  /** Holders and waiters (for tests). */
  get load(): { held: number; waiting: number } {
    return { held: this.held, waiting: this.waiting.length };
  }
}
