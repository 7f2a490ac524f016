// Goal: the group-commit queue batches what arrives while the writer is busy, within its
// bounds; answers every caller with its own outcome; writes one batch at a time, in arrival
// order; and when a batch fails as a whole, retries each request alone (a bounded number of
// times, only for retryable failures), so one bad request never fails the others. Its
// observer sees each batch's size and duration and each request's latency, once.
import { GroupCommit, runAlone, type GroupCommitOptions, type Settled } from './group-commit';

type Request = { id: number; weight?: number; poison?: boolean; refused?: boolean };

const OPTIONS: GroupCommitOptions<Request> = {
  batchRequestsMax: 4,
  batchWeightMax: 10,
  queueRequestsMax: 20,
  aloneAttemptsMax: 3,
  weigh: (request) => request.weight ?? 1,
  isRetryable: (error) => error instanceof Error && error.message === 'deadlock',
  queueFull: () => new Error('queue full'),
  predecessorFailed: (request) => new Error(`predecessor of ${request.id} failed`),
};

/** A fake database: records each batch; a poisoned request fails any batch it is in. */
class FakeWriter {
  readonly batches: number[][] = [];
  readonly afters: Array<ReadonlyArray<readonly number[]>> = [];
  inFlight = 0;
  inFlightMax = 0;
  failuresLeft = 0; // the next N calls throw 'deadlock'

  /** As the database does: `refused` fails alone, and so does one following a failure. */
  readonly run = async (
    requests: readonly Request[],
    after: ReadonlyArray<readonly number[]>,
  ): Promise<Array<Settled<string>>> => {
    this.inFlight += 1;
    this.inFlightMax = Math.max(this.inFlightMax, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      this.batches.push(requests.map((request) => request.id));
      this.afters.push(after);
      if (this.failuresLeft > 0) {
        this.failuresLeft -= 1;
        throw new Error('deadlock');
      }
      if (requests.some((request) => request.poison)) throw new Error('malformed');
      const outcomes: Array<Settled<string>> = [];
      requests.forEach((request, index) => {
        const chainBroken = (after[index] ?? []).some((one) => !outcomes[one - 1]!.ok);
        outcomes.push(request.refused || chainBroken
          ? { ok: false, error: new Error(`refused ${request.id}`) }
          : { ok: true, value: `done-${request.id}` });
      });
      return outcomes;
    } finally {
      this.inFlight -= 1;
    }
  };
}

const ids = (count: number, from = 0): Request[] =>
  Array.from({ length: count }, (_, index) => ({ id: from + index }));

describe('GroupCommit', () => {
  test('requests that arrive together share a batch; each caller gets its own outcome', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const outcomes = await Promise.all(ids(3).map((request) => commit.submit(request)));
    expect(outcomes).toEqual([0, 1, 2].map((id) => ({ ok: true, value: `done-${id}` })));
    expect(writer.batches).toEqual([[0, 1, 2]]);
  });

  test('the observer sees each batch with its size and each request settle once', async () => {
    const writer = new FakeWriter();
    const batches: Array<[number, number]> = [];
    const settled: number[] = [];
    const commit = new GroupCommit(writer.run, {
      ...OPTIONS,
      observer: {
        batchWritten: (requests, seconds) => batches.push([requests, seconds]),
        requestSettled: (seconds) => settled.push(seconds),
      },
    });
    await Promise.all(ids(6).map((request) => commit.submit(request)));
    expect(batches.map(([requests]) => requests)).toEqual([4, 2]);
    expect(batches.every(([, seconds]) => seconds > 0)).toBe(true);
    expect(settled).toHaveLength(6);
    expect(settled.every((seconds) => seconds > 0)).toBe(true);
  });

  test('one batch at a time, in arrival order, within the request and weight bounds', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const heavy = { id: 100, weight: 25 }; // heavier than a batch: it goes alone
    const requests = [...ids(6), heavy, ...ids(3, 6).map((request) => ({ ...request, weight: 4 }))];
    const outcomes = await Promise.all(requests.map((request) => commit.submit(request)));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(writer.inFlightMax).toBe(1);
    // Four at most; 4 and 5 (the heavy one would pass the weight); the heavy one alone;
    // two of weight 4 (a third would pass 10); the last.
    expect(writer.batches).toEqual([[0, 1, 2, 3], [4, 5], [100], [6, 7], [8]]);
  });

  test('requests arriving while a batch is written form the next batch', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const first = commit.submit({ id: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1)); // the first batch is in flight
    const later = [1, 2, 3].map((id) => commit.submit({ id }));
    await Promise.all([first, ...later]);
    expect(writer.batches).toEqual([[0], [1, 2, 3]]);
  });

  test('a failed batch is retried request by request: only the bad one fails', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const requests = [{ id: 0 }, { id: 1, poison: true }, { id: 2 }];
    const outcomes = await Promise.all(requests.map((request) => commit.submit(request)));
    expect(outcomes[0]).toEqual({ ok: true, value: 'done-0' });
    expect(outcomes[1]).toMatchObject({ ok: false, error: new Error('malformed') });
    expect(outcomes[2]).toEqual({ ok: true, value: 'done-2' });
    expect(writer.batches).toEqual([[0, 1, 2], [0], [1], [2]]);
  });

  test('a retryable failure is retried alone, a bounded number of times', async () => {
    const writer = new FakeWriter();
    writer.failuresLeft = 1 + OPTIONS.aloneAttemptsMax; // the batch, then every attempt of 0
    const commit = new GroupCommit(writer.run, OPTIONS);
    const outcomes = await Promise.all(ids(2).map((request) => commit.submit(request)));
    expect(outcomes[0]).toMatchObject({ ok: false, error: new Error('deadlock') });
    expect(outcomes[1]).toEqual({ ok: true, value: 'done-1' });
    expect(writer.batches).toEqual([[0, 1], [0], [0], [0], [1]]);
  });

  test('a request alone whose failure no retry can pass fails at once', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const outcome = await commit.submit({ id: 7, poison: true });
    expect(outcome).toMatchObject({ ok: false, error: new Error('malformed') });
    expect(writer.batches).toEqual([[7]]);
  });

  test('when the store is unreachable, the batch and the queue behind it fail at once', async () => {
    const unreachable = new Error('connect ECONNREFUSED');
    const batches: number[][] = [];
    const commit = new GroupCommit<Request, string>(async (requests) => {
      batches.push(requests.map((request) => request.id));
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw unreachable;
    }, { ...OPTIONS, failsEveryone: (error) => error === unreachable });
    const outcomes = await Promise.all(ids(10).map((request) => commit.submit(request)));
    expect(outcomes).toEqual(ids(10).map(() => ({ ok: false, error: unreachable })));
    // One attempt for all ten: no request alone, no second batch for the queued six.
    expect(batches).toEqual([[0, 1, 2, 3]]);
  });

  test('a store lost while requests are retried alone fails the rest at once', async () => {
    const writer = new FakeWriter();
    writer.failuresLeft = 1; // the batch fails with a deadlock, then the store goes away
    const unreachable = new Error('Connection terminated unexpectedly');
    const run = async (requests: readonly Request[], after: ReadonlyArray<readonly number[]>) => {
      const outcomes = await writer.run(requests, after);
      if (writer.batches.length >= 3) throw unreachable;
      return outcomes;
    };
    const commit = new GroupCommit(run, {
      ...OPTIONS, failsEveryone: (error) => error === unreachable,
    });
    const outcomes = await Promise.all(ids(4).map((request) => commit.submit(request)));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, false, false]);
    expect(outcomes[3]).toEqual({ ok: false, error: unreachable });
    expect(writer.batches).toEqual([[0, 1, 2, 3], [0], [1]]);
  });

  test('a full queue refuses at once instead of growing', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, { ...OPTIONS, queueRequestsMax: 2 });
    const outcomes = await Promise.all(ids(3).map((request) => commit.submit(request)));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false]);
    expect(outcomes[2]).toMatchObject({ error: new Error('queue full') });
  });

  test('a writer that breaks its contract still answers every caller', async () => {
    const commit = new GroupCommit<Request, string>(async () => [], OPTIONS);
    const outcomes = await Promise.all(ids(2).map((request) => commit.submit(request)));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false]);
  });

  test('idle resolves once the queue is empty and nothing is written', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    await commit.idle();
    const pending = ids(6).map((request) => commit.submit(request));
    await commit.idle();
    expect(writer.batches.flat()).toHaveLength(6);
    await Promise.all(pending);
  });
});

describe('GroupCommit chains (after)', () => {
  test('a request following one in the same batch goes with it, its index passed along', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const first = commit.submit({ id: 1 });
    const second = commit.submit({ id: 2 }, [first]);
    const third = commit.submit({ id: 3 }, [second, first]);
    expect(await Promise.all([first, second, third])).toEqual(
      [1, 2, 3].map((id) => ({ ok: true, value: `done-${id}` })));
    expect(writer.batches).toEqual([[1, 2, 3]]);
    expect(writer.afters).toEqual([[[], [1], [2, 1]]]);
  });

  test('a predecessor refused in its batch takes its followers down in that batch', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const first = commit.submit({ id: 1, refused: true });
    const second = commit.submit({ id: 2 }, [first]);
    const other = commit.submit({ id: 3 });
    expect((await second).ok).toBe(false);
    expect((await other).ok).toBe(true);
  });

  test('a follower of a request that failed in an earlier batch is refused unwritten', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const first = commit.submit({ id: 1, refused: true });
    await new Promise((resolve) => setImmediate(resolve)); // The first batch is in flight.
    const second = commit.submit({ id: 2 }, [first]);
    const third = commit.submit({ id: 3 }, [second]);
    const unrelated = commit.submit({ id: 4 });
    expect(await second).toEqual({ ok: false, error: new Error('predecessor of 2 failed') });
    expect(await third).toEqual({ ok: false, error: new Error('predecessor of 3 failed') });
    expect((await unrelated).ok).toBe(true);
    expect(writer.batches).toEqual([[1], [4]]);
  });

  test('a follower of a request that succeeded in an earlier batch needs no index', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const first = commit.submit({ id: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const second = commit.submit({ id: 2 }, [first]);
    expect((await second).ok).toBe(true);
    expect(writer.afters).toEqual([[[]], [[]]]);
  });

  test('retried alone after a failed batch, a follower of a failed request is not written', async () => {
    const writer = new FakeWriter();
    const commit = new GroupCommit(writer.run, OPTIONS);
    const bad = commit.submit({ id: 1, poison: true });
    const follower = commit.submit({ id: 2 }, [bad]);
    const other = commit.submit({ id: 3 });
    expect((await bad).ok).toBe(false);
    expect(await follower).toEqual({ ok: false, error: new Error('predecessor of 2 failed') });
    expect((await other).ok).toBe(true);
    // The batch, then 1 alone (not retryable: once), never 2, then 3.
    expect(writer.batches).toEqual([[1, 2, 3], [1], [3]]);
  });

  test('a predecessor must come from the same queue', () => {
    const commit = new GroupCommit(new FakeWriter().run, OPTIONS);
    expect(() => commit.submit({ id: 1 }, [Promise.resolve({ ok: true, value: 'x' })]))
      .toThrow('predecessors come from this queue');
  });
});

describe('runAlone', () => {
  test('succeeds after retryable failures within the bound', async () => {
    const writer = new FakeWriter();
    writer.failuresLeft = OPTIONS.aloneAttemptsMax - 1;
    expect(await runAlone(writer.run, { id: 1 }, OPTIONS)).toEqual({ ok: true, value: 'done-1' });
    expect(writer.batches).toHaveLength(OPTIONS.aloneAttemptsMax);
  });
});
