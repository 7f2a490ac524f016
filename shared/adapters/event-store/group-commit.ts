// Group commit (docs/architecture.md "Commands"): concurrent requests wait in a bounded queue and
// one writer takes them in batches whenever it is free, so one commit (one WAL flush) serves
// many callers. The busier the store, the larger the batches; an idle store writes each
// request at once. Invariants:
// - each caller gets its own outcome, and only once its batch has committed;
// - at most one batch is in flight, so this process never deadlocks with itself, and
//   requests are written in the order they arrived;
// - a batch that fails as a whole (the runner throws: deadlock with another process, a
//   race the batch could not check, a lost connection, one malformed request) is retried
//   request by request, so one bad request never fails the others;
// - unless the failure is one every request would meet (the database cannot be reached):
//   then the batch and everything queued behind it fail at once with that error, instead of
//   each waiting for its own connection attempt (minutes, with a long queue).
// Nothing here knows about Postgres: the runner does the I/O; nor about metrics: an optional
// observer is told of each batch and each settled request (wired in shared/runtime).
import { assert } from '../../errors/assert';

export type Settled<Result> =
  | Readonly<{ ok: true; value: Result }>
  | Readonly<{ ok: false; error: unknown }>;

/** Writes a batch in one transaction: one outcome per request, in order, or a throw. */
export type RunBatch<Request, Result> = (
  requests: readonly Request[],
) => Promise<Array<Settled<Result>>>;

export type GroupCommitOptions<Request> = Readonly<{
  /** Requests in one batch. */
  batchRequestsMax: number;
  /** Sum of `weigh` over one batch (e.g. events); a heavier single request goes alone. */
  batchWeightMax: number;
  /** Requests waiting; beyond it `submit` refuses at once rather than queue without end. */
  queueRequestsMax: number;
  /** Attempts of a request run alone, after its batch failed. */
  aloneAttemptsMax: number;
  weigh: (request: Request) => number;
  /** Whether a failure may pass on a retry (a deadlock, a lost race), so is worth one. */
  isRetryable: (error: unknown) => boolean;
  /** Whether a batch's failure would fail every request now (the store is unreachable). */
  failsEveryone?: (error: unknown) => boolean;
  /** The error a caller gets when the queue is full. */
  queueFull: () => Error;
  observer?: GroupCommitObserver;
}>;

/** What an operator may watch; called synchronously, so it must be cheap and never throw. */
export type GroupCommitObserver = Readonly<{
  /** A batch's transaction ended (committed, or failed as a whole): its size and duration. */
  batchWritten?: (requests: number, seconds: number) => void;
  /** A caller got its outcome: seconds since it submitted (queue wait included). */
  requestSettled?: (seconds: number) => void;
}>;

type Pending<Request, Result> = {
  request: Request;
  resolve: (settled: Settled<Result>) => void;
};

export class GroupCommit<Request, Result> {
  private queue: Array<Pending<Request, Result>> = [];
  private writing = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly run: RunBatch<Request, Result>,
    private readonly options: GroupCommitOptions<Request>,
  ) {
    assert(options.batchRequestsMax >= 1, 'a batch holds at least one request');
    assert(options.aloneAttemptsMax >= 1, 'a request is attempted at least once');
  }

  /** Queues the request; resolves with its outcome once its batch committed (or failed). */
  submit(request: Request): Promise<Settled<Result>> {
    if (this.queue.length >= this.options.queueRequestsMax) {
      return Promise.resolve({ ok: false, error: this.options.queueFull() });
    }
    const submitted = performance.now();
    const { observer } = this.options;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Settled<Result>) => {
        // A second resolve (see writeNext) changes nothing, so it is not observed either.
        if (!settled) {
          settled = true;
          observer?.requestSettled?.(secondsSince(submitted));
        }
        resolve(outcome);
      };
      this.queue.push({ request, resolve: settle });
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or being written (before the connection closes). */
  idle(): Promise<void> {
    if (!this.writing && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // The next batch starts on a later turn of the event loop, not at once: callers woken by
  // the last batch (and requests that arrived in the same turn) get to join it.
  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.writeNext();
    });
  }

  private writeNext(): void {
    const batch = this.takeBatch();
    if (batch.length === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
      return;
    }
    this.writing = true;
    void this.commit(batch)
      // A bug (a broken assertion) must still answer every caller; a second resolve of one
      // already answered is ignored.
      .catch((error: unknown) => batch.forEach((pending) => pending.resolve({ ok: false, error })))
      .finally(() => {
        this.writing = false;
        this.schedule();
      });
  }

  private takeBatch(): Array<Pending<Request, Result>> {
    const { batchRequestsMax, batchWeightMax, weigh } = this.options;
    let count = 0;
    let weight = 0;
    for (const pending of this.queue) {
      if (count >= batchRequestsMax) break;
      weight += weigh(pending.request);
      if (count > 0 && weight > batchWeightMax) break;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private async commit(batch: ReadonlyArray<Pending<Request, Result>>): Promise<void> {
    let outcomes: Array<Settled<Result>>;
    const started = performance.now();
    try {
      outcomes = await this.run(batch.map((pending) => pending.request));
    } catch (error) {
      this.options.observer?.batchWritten?.(batch.length, secondsSince(started));
      if (this.options.failsEveryone?.(error)) {
        this.failAll([...batch, ...this.queue.splice(0)], error);
        return;
      }
      await this.retryAlone(batch, error);
      return;
    }
    this.options.observer?.batchWritten?.(batch.length, secondsSince(started));
    assert(outcomes.length === batch.length, 'one outcome per request of the batch');
    batch.forEach((pending, index) => pending.resolve(outcomes[index]!));
  }

  private failAll(pending: ReadonlyArray<Pending<Request, Result>>, error: unknown): void {
    for (const one of pending) one.resolve({ ok: false, error });
  }

  // In arrival order and one at a time, so the single-writer invariant holds here too.
  private async retryAlone(
    batch: ReadonlyArray<Pending<Request, Result>>,
    batchError: unknown,
  ): Promise<void> {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only && !this.options.isRetryable(batchError)) {
      // Alone already: a failure that no retry can pass is the request's own.
      only.resolve({ ok: false, error: batchError });
      return;
    }
    for (const [index, pending] of batch.entries()) {
      const settled = await runAlone(this.run, pending.request, this.options);
      pending.resolve(settled);
      if (!settled.ok && this.options.failsEveryone?.(settled.error)) {
        this.failAll([...batch.slice(index + 1), ...this.queue.splice(0)], settled.error);
        return;
      }
    }
  }
}

const secondsSince = (startMs: number): number => (performance.now() - startMs) / 1_000;

/** Runs one request as a batch of its own, retrying failures that may pass. */
export async function runAlone<Request, Result>(
  run: RunBatch<Request, Result>,
  request: Request,
  options: Pick<GroupCommitOptions<Request>, 'aloneAttemptsMax' | 'isRetryable'>,
): Promise<Settled<Result>> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.aloneAttemptsMax; attempt += 1) {
    try {
      const outcomes = await run([request]);
      const outcome = outcomes[0];
      assert(outcomes.length === 1 && outcome !== undefined, 'one outcome for one request');
      return outcome;
    } catch (error) {
      lastError = error;
      if (!options.isRetryable(error)) break;
    }
  }
  return { ok: false, error: lastError };
}
