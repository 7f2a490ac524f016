// Goal: a business rejection a handler returns (to be recorded) is answered, stored under the
// Idempotency-Key and counted exactly as the HTTP error handler would answer it thrown: its
// problem body, its status, its code. And contention alone never fails a command (below).
import { KeyedMutex } from '../../shared/concurrency/keyed-mutex';
import { DomainError } from '../../shared/errors/domain-error';
import { rejectionProblem } from '../../shared/http/problem';
import { InMemoryEventStore } from '../../shared/adapters/event-store/in-memory.event-store';
import { createMetrics } from '../../shared/telemetry/metrics';
import { anEvent } from '../../shared/testing/event-builders';
import type { Counter } from 'prom-client';
import {
  OPTIMISTIC_CONFLICTS_MAX, runCommand, type CommandRunnerDeps,
} from './command-runner';

function runnerDeps(): CommandRunnerDeps & { store: InMemoryEventStore } {
  return {
    store: new InMemoryEventStore(),
    mutex: new KeyedMutex(),
    metrics: createMetrics(),
    onCommitted: () => undefined,
  onSubmitted: () => undefined,
  };
}

describe('runCommand with a recorded rejection', () => {
  const rejection = new DomainError('insufficient_funds', 'not enough money', {
    availableMinor: '5',
    transferId: 't-1',
  });
  const idempotency = { scope: 'caller', key: 'key-1', requestHash: 'hash' };

  test('answers, stores and counts it as the error handler maps a thrown one', async () => {
    const deps = runnerDeps();
    const reply = await runCommand(deps, {
      name: 'transfer',
      lockKeys: ['wallet-a'],
      idempotency,
      handle: async () => ({
        rejection,
        append: { streams: [{ streamId: 'wallet-a', expectedVersion: 'any', events: [anEvent()] }] },
      }),
    });

    expect(reply.status).toBe(422);
    expect(JSON.parse(reply.body)).toEqual(rejectionProblem(rejection));
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'insufficient_funds', transferId: 't-1' });
    expect(await deps.store.readStream('wallet-a', { fromVersion: 1n, limit: 10 })).toHaveLength(1);
    const stored = await deps.store.findIdempotency('caller', 'key-1');
    expect(stored).toMatchObject({ responseStatus: 422, responseBody: reply.body });
    const counted = await deps.metrics.commands.get();
    const byOutcome = counted.values.filter((value) => value.labels.command === 'transfer');
    expect(byOutcome.filter((value) => value.value > 0).map((value) => value.labels.outcome))
      .toEqual(['insufficient_funds']);
  });

  test('with nothing to record, answers it without a position', async () => {
    const reply = await runCommand(runnerDeps(), {
      name: 'transfer',
      lockKeys: ['wallet-a'],
      idempotency: null,
      handle: async () => ({ rejection }),
    });
    expect(reply).toEqual({
      status: 422,
      body: JSON.stringify(rejectionProblem(rejection)),
      position: null,
    });
  });
});

// Goal (issue 11, point 6): contention alone never fails a command. A competitor moves the
// stream between every decision and its append, as another process does to a hot wallet;
// the optimistic attempts lose, then the retry decides under the stream's lock in the store,
// which makes the competitor wait, and wins.
describe('runCommand under contention', () => {
  const streamId = 'wallet-hot';

  function contendedCommand(deps: ReturnType<typeof runnerDeps>) {
    const competitors: Array<Promise<unknown>> = [];
    const command = {
      name: 'transfer' as const,
      lockKeys: ['hot'],
      idempotency: { scope: 'caller', key: 'key-hot', requestHash: 'hash' },
      handle: async () => {
        const version = await deps.store.streamVersion(streamId);
        competitors.push(deps.store.append({
          streams: [{ streamId, expectedVersion: 'any', events: [anEvent()] }],
        }));
        // Time for the competitor to land, unless a lock in the store holds it back.
        await new Promise((resolve) => setImmediate(resolve));
        return {
          status: 201,
          body: { decidedOn: version.toString() },
          append: { streams: [{ streamId, expectedVersion: version, events: [anEvent()] }] },
        };
      },
    };
    return { command, competitors };
  }

  /** The value of the series with exactly `labels` (labels named in the metric's order). */
  const counter = async (metric: Counter<string>, labels: Record<string, string>) => {
    const { values } = await metric.get();
    const wanted = JSON.stringify(labels);
    return values.find((value) => JSON.stringify(value.labels) === wanted)?.value;
  };

  test(`after ${OPTIMISTIC_CONFLICTS_MAX} optimistic conflicts the locked retry wins`, async () => {
    const deps = runnerDeps();
    const lockedStreams: Array<readonly string[]> = [];
    const withStreamLocks = deps.store.withStreamLocks.bind(deps.store);
    deps.store.withStreamLocks = (streamIds, decide) => {
      lockedStreams.push(streamIds);
      return withStreamLocks(streamIds, decide);
    };
    const { command, competitors } = contendedCommand(deps);

    const reply = await runCommand(deps, command);
    await Promise.all(competitors);

    // Each optimistic attempt lost to its competitor; the locked one held its competitor
    // back until its own append had committed on the version it read.
    const decidedOn = BigInt(OPTIMISTIC_CONFLICTS_MAX);
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toEqual({ decidedOn: decidedOn.toString() });
    expect(lockedStreams).toEqual([[streamId]]);
    const events = await deps.store.readStream(streamId, { fromVersion: 1n, limit: 100 });
    expect(events).toHaveLength(OPTIMISTIC_CONFLICTS_MAX + 2);
    expect(await deps.store.findIdempotency('caller', 'key-hot'))
      .toMatchObject({ responseStatus: 201, responseBody: reply.body });
    const { metrics } = deps;
    expect(await counter(metrics.versionConflicts, { command: 'transfer' }))
      .toBe(OPTIMISTIC_CONFLICTS_MAX);
    expect(await counter(metrics.commandRetries, { command: 'transfer', mode: 'optimistic' }))
      .toBe(OPTIMISTIC_CONFLICTS_MAX - 1);
    expect(await counter(metrics.commandRetries, { command: 'transfer', mode: 'pessimistic' }))
      .toBe(1);
    expect(await counter(metrics.commands, { command: 'transfer', outcome: 'ok' })).toBe(1);
  });

  test('retry series exist at 0 before any command', async () => {
    const { metrics } = runnerDeps();
    for (const mode of ['optimistic', 'pessimistic']) {
      expect(await counter(metrics.commandRetries, { command: 'payment', mode })).toBe(0);
    }
  });
});
