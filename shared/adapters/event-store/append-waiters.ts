// The waiting side of EventStore.waitForAppend, shared by the adapters. A wake-up means
// "new events may be readable": callers re-read, so a spurious wake-up costs one read,
// while a lost one costs a full timeout. Hence a wake-up that finds nobody waiting is kept
// (`pending`) and makes the next wait return at once: a reader that was busy reading when
// the append committed still looks again.
import { assert } from '../../errors/assert';

/** Concurrent waiters on one store: one per subscriber, so a few; more is a leak. */
export const APPEND_WAITERS_MAX = 1_000;
/** The longest single wait; callers poll again after it. */
export const APPEND_WAIT_MS_MAX = 60_000;

export class AppendWaiters {
  private readonly waiters = new Set<() => void>();
  private pending = false;

  wait(timeoutMs: number): Promise<void> {
    assert(timeoutMs >= 0 && timeoutMs <= APPEND_WAIT_MS_MAX, 'a wait is bounded');
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    assert(this.waiters.size < APPEND_WAITERS_MAX, 'too many concurrent waiters');
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  wakeAll(): void {
    this.pending = true;
    for (const done of [...this.waiters]) done();
  }
}
