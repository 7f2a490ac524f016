// Goal: a business rejection a handler returns (to be recorded) is answered, stored under the
// Idempotency-Key and counted exactly as the HTTP error handler would answer it thrown: its
// problem body, its status, its code.
import { KeyedMutex } from '../../shared/concurrency/keyed-mutex';
import { DomainError } from '../../shared/errors/domain-error';
import { rejectionProblem } from '../../shared/http/problem';
import { InMemoryEventStore } from '../../shared/adapters/event-store/in-memory.event-store';
import { createMetrics } from '../../shared/telemetry/metrics';
import { anEvent } from '../../shared/testing/event-builders';
import { runCommand, type CommandRunnerDeps } from './command-runner';

function runnerDeps(): CommandRunnerDeps & { store: InMemoryEventStore } {
  return {
    store: new InMemoryEventStore(),
    mutex: new KeyedMutex(),
    metrics: createMetrics(),
    onCommitted: () => undefined,
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
