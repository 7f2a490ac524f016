// One step of several in-transaction subscribers together (the projector's projections): one
// transaction, one lock statement, one checkpoint read, one read of the log from the
// checkpoint furthest behind, each subscriber's handler on the events after its own
// checkpoint, one statement moving every checkpoint that moved, one commit. Stepping them
// one by one took a transaction, a read of the same batch and a decode of it per subscriber
// (docs/performance.md, "The projector in one transaction"). Each subscriber still has its own
// checkpoint, so a rebuild, a verify or a lone runner of one of them works as before: they
// take the same per-name locks (checkpoint.store.ts).
import type { Pool } from 'pg';
import { comparePositions, type EventStore, type Position } from '../ports/event-store.port';
import { lockCheckpoints, saveCheckpoints } from './checkpoint.store';
import { inTransaction } from './in-transaction';
import { readBatch } from './read-batch';
import type { AfterCommit, InTransactionSubscriber } from './subscriber';
import { spanNameOf, type StepResult } from './subscription-step';
import { traceBatch, tracedEvent } from '../telemetry/trace-batch';

export type GroupStepDeps = Readonly<{ pool: Pool; store: EventStore; batchSizeMax: number }>;

/** Each subscriber's result, in the order given. */
export async function stepSubscriptionGroup(
  deps: GroupStepDeps,
  subscribers: readonly InTransactionSubscriber[],
): Promise<StepResult[]> {
  return inTransaction(deps.pool, async (client) => {
    const checkpoints = await lockCheckpoints(client, subscribers.map((one) => one.name));
    const afters = subscribers.map((one) => checkpoints.get(one.name)!);
    const from = afters.reduce((low, one) => (comparePositions(one, low) < 0 ? one : low));
    const events = await readBatch(deps.store, from, deps.batchSizeMax);
    const last = events.at(-1);
    const results: StepResult[] = [];
    const moved = new Map<string, Position>();
    for (const [index, subscriber] of subscribers.entries()) {
      const after = afters[index]!;
      // A subscriber ahead of the others sees only what it has not handled yet.
      const unread = events.filter((event) => comparePositions(event.position, after) > 0);
      if (!last || unread.length === 0) {
        results.push({ read: 0, handled: 0, position: after });
        continue;
      }
      const wanted = subscriber.eventTypes ? new Set(subscriber.eventTypes) : null;
      const handed = wanted ? unread.filter((event) => wanted.has(event.type)) : unread;
      let afterCommit: AfterCommit | undefined;
      if (handed.length > 0) {
        // With tracing on, a span joined to its events' traces, as a lone step makes.
        const attributes = { 'tng.subscriber': subscriber.name };
        afterCommit = await traceBatch(spanNameOf(subscriber), handed, tracedEvent, { attributes },
          async () => (await subscriber.handle(handed, client)) ?? undefined);
      }
      moved.set(subscriber.name, last.position);
      results.push({
        read: unread.length,
        handled: handed.length,
        position: last.position,
        ...(afterCommit ? { afterCommit } : {}),
      });
    }
    if (moved.size > 0) await saveCheckpoints(client, moved);
    return results;
  });
}
