// Group commit (docs/architecture.md "Commands"): concurrent requests wait in a bounded queue and
// one writer takes them in batches whenever it is free, so one commit (one WAL flush) serves
// many callers. The busier the store, the larger the batches; an idle store writes each
// request at once. Invariants:
// - each caller gets its own outcome, and only once its batch has committed;
// - at most one batch is in flight, so this process never deadlocks with itself, and
//   requests are written in the order they arrived;
// - a request may name earlier requests it was decided after (`after`: appends in flight
//   whose outcome its decision assumed). It is written only if each of them succeeded: one
//   in an earlier batch has its outcome by the time this one's batch is formed (a failure
//   fails this one here, unwritten); one in the same batch is passed to the runner as an
//   index, and the runner must fail this one if that one did not succeed. So a chain of
//   decisions on one hot stream can share a batch instead of waiting a commit each;
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

/**
 * Writes a batch in one transaction: one outcome per request, in order, or a throw. `after`
 * holds, per request, the 1-based indices of earlier requests of the batch it follows: it
 * must fail, unwritten, unless each of those succeeded.
 */
export type RunBatch<Request, Result> = (
  requests: readonly Request[],
  after: ReadonlyArray<readonly number[]>,
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
  /** The error of a request one of whose `after` predecessors failed. */
  predecessorFailed: (request: Request) => Error;
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
  /**
   * Requests it follows (see the top of this file); emptied once it is answered, or a busy
   * wallet's requests would hold every request before them in memory, link by link.
   */
  after: ReadonlyArray<Pending<Request, Result>>;
  /** Set once answered: what requests that follow this one check. */
  outcome?: Settled<Result>;
  resolve: (settled: Settled<Result>) => void;
};

export class GroupCommit<Request, Result> {
  private queue: Array<Pending<Request, Result>> = [];
  /** The request behind each promise `submit` returned, for later `after` lists. */
  private readonly submitted = new WeakMap<Promise<Settled<Result>>, Pending<Request, Result>>();
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

  /**
   * Queues the request; resolves with its outcome once its batch committed (or failed).
   * `after`: promises this queue returned for earlier requests that this one follows.
   */
  submit(
    request: Request,
    after: readonly Promise<Settled<Result>>[] = [],
  ): Promise<Settled<Result>> {
    const predecessors = after.map((promise) => this.submitted.get(promise));
    assert(predecessors.every((one) => one !== undefined), 'predecessors come from this queue');
    const pending: Pending<Request, Result> = {
      request,
      after: predecessors as Array<Pending<Request, Result>>,
      resolve: () => undefined,
    };
    const promise = new Promise<Settled<Result>>((resolve) => {
      const submitted = performance.now();
      const { observer } = this.options;
      pending.resolve = (outcome) => {
        // A second resolve (see writeNext) changes nothing, so it is not observed either.
        if (pending.outcome !== undefined) return;
        pending.outcome = outcome;
        pending.after = [];
        observer?.requestSettled?.(secondsSince(submitted));
        resolve(outcome);
      };
    });
    this.submitted.set(promise, pending);
    if (this.queue.length >= this.options.queueRequestsMax) {
      pending.resolve({ ok: false, error: this.options.queueFull() });
    } else {
      this.queue.push(pending);
      this.schedule();
    }
    return promise;
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

  /**
   * The next batch, in arrival order. A request whose predecessor already failed is answered
   * here, unwritten; one whose predecessor is in flight cannot be met, as only this batch's
   * predecessors are unanswered now (one batch at a time, in order).
   */
  private takeBatch(): Array<Pending<Request, Result>> {
    const { batchRequestsMax, batchWeightMax, weigh } = this.options;
    const batch: Array<Pending<Request, Result>> = [];
    let taken = 0;
    let weight = 0;
    for (const pending of this.queue) {
      if (batch.length >= batchRequestsMax) break;
      if (this.predecessorFailed(pending)) {
        taken += 1;
        continue;
      }
      weight += weigh(pending.request);
      if (batch.length > 0 && weight > batchWeightMax) break;
      taken += 1;
      batch.push(pending);
    }
    this.queue.splice(0, taken);
    return batch;
  }

  /** Answers `pending` with predecessorFailed if one it follows failed; says whether. */
  private predecessorFailed(pending: Pending<Request, Result>): boolean {
    if (!pending.after.some((one) => one.outcome !== undefined && !one.outcome.ok)) return false;
    pending.resolve({ ok: false, error: this.options.predecessorFailed(pending.request) });
    return true;
  }

  private async commit(batch: ReadonlyArray<Pending<Request, Result>>): Promise<void> {
    let outcomes: Array<Settled<Result>>;
    const started = performance.now();
    try {
      outcomes = await this.run(batch.map((pending) => pending.request), afterIndices(batch));
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
      // Those it follows were answered first, in this loop or an earlier batch.
      if (this.predecessorFailed(pending)) continue;
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

/** Per request, the 1-based indices in `batch` of the unanswered requests it follows. */
function afterIndices<Request, Result>(
  batch: ReadonlyArray<Pending<Request, Result>>,
): number[][] {
  const indexOf = new Map(batch.map((pending, index) => [pending, index + 1]));
  return batch.map((pending) => pending.after
    .filter((one) => one.outcome === undefined)
    .map((one) => {
      const index = indexOf.get(one);
      assert(index !== undefined, 'an unanswered predecessor is in the same batch');
      return index;
    }));
}

/** Runs one request as a batch of its own, retrying failures that may pass. */
export async function runAlone<Request, Result>(
  run: RunBatch<Request, Result>,
  request: Request,
  options: Pick<GroupCommitOptions<Request>, 'aloneAttemptsMax' | 'isRetryable'>,
): Promise<Settled<Result>> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.aloneAttemptsMax; attempt += 1) {
    try {
      const outcomes = await run([request], [[]]);
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
