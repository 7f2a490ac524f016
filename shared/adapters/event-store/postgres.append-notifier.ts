// The 'after-commit' way to wake other processes' subscribers. A NOTIFY inside the append
// is delivered atomically with it, but Postgres makes every notifying transaction take one
// cluster-wide lock (async.c, PreCommit_Notify) and hold it until after its commit record
// is flushed, so notifying commits cannot share a WAL flush. Here NOTIFY goes out after the
// commit, in a transaction of its own that changes no data, so its commit waits for no WAL
// flush; and
// bursts coalesce: while one is in flight, any number of commits ask for exactly one more.
//
// A wake-up is a hint, never the only way to learn of an event: if this process dies between
// a commit and its NOTIFY, subscribers still find the events at their next poll.
import type { Pool } from 'pg';
import { APPEND_CHANNEL } from './postgres.append-batch.sql';

export class AppendNotifier {
  private inFlight = false;
  private requested = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly pool: Pool) {}

  /** Called after each commit that wrote events. */
  committed(): void {
    this.requested = true;
    if (this.inFlight) return;
    this.inFlight = true;
    this.idle = this.drain();
  }

  /** Resolves once no NOTIFY is in flight (before the pool is closed). */
  settled(): Promise<void> {
    return this.idle;
  }

  // Bounded: each pass clears `requested`, and only commits made during the pass set it.
  private async drain(): Promise<void> {
    while (this.requested) {
      this.requested = false;
      try {
        await this.pool.query(`select pg_notify('${APPEND_CHANNEL}', '')`);
      } catch {
        // Either: a failed wake-up only delays subscribers until their next poll.
      }
    }
    this.inFlight = false;
  }
}
