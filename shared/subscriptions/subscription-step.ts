// One step of a subscription: in one transaction, lock the subscriber's checkpoint, read the
// next batch after it, hand the events over, move the checkpoint to the last one read. A crash
// anywhere before the commit moves nothing, so the next step reads the same batch again.
// Events the subscriber does not want still move the checkpoint; a batch with none of its
// types is not handed over. The transaction takes an id only when it writes, so a handler
// that performs an external effect does not hold back other readers' horizon meanwhile.
// With tracing on, each handed batch is a span joined to its events' traces (trace-batch.ts).
import type { Pool } from 'pg';
import type { EventStore, Position } from '../ports/event-store.port';
import { lockCheckpoint, saveCheckpoint } from './checkpoint.store';
import { inTransaction } from './in-transaction';
import { readBatch } from './read-batch';
import type { AfterCommit, Subscriber } from './subscriber';
import { traceBatch, tracedEvent } from '../telemetry/trace-batch';

/** A projection's batch is `tng.project <name>`; a saga's or relay's `tng.saga_step <name>`. */
export const spanNameOf = (subscriber: Subscriber): string =>
  `${subscriber.role === 'projection' ? 'tng.project' : 'tng.saga_step'} ${subscriber.name}`;

export type StepResult = Readonly<{
  /** Events read after the checkpoint, wanted or not: 0 means caught up (for now). */
  read: number;
  /** Events handed to the subscriber. */
  handled: number;
  /** The checkpoint after the step. */
  position: Position;
  afterCommit?: AfterCommit;
}>;

export type StepDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  batchSizeMax: number;
  /** Reads nothing past this position (a replay's bound); no bound if omitted. */
  until?: Position;
}>;

export async function stepSubscription(
  deps: StepDeps,
  subscriber: Subscriber,
): Promise<StepResult> {
  const wanted = subscriber.eventTypes ? new Set(subscriber.eventTypes) : null;
  return inTransaction(deps.pool, async (client) => {
    // Held to commit: a second runner of the same subscriber waits here, then reads after the
    // position this one saved, so each event is handed over once per commit.
    const after = await lockCheckpoint(client, subscriber.name);
    const events = await readBatch(deps.store, after, deps.batchSizeMax, deps.until);
    const last = events.at(-1);
    if (!last) return { read: 0, handled: 0, position: after };
    const handed = wanted ? events.filter((event) => wanted.has(event.type)) : events;
    let afterCommit: AfterCommit | undefined;
    if (handed.length > 0) {
      const attributes = { 'tng.subscriber': subscriber.name };
      afterCommit = await traceBatch(spanNameOf(subscriber), handed, tracedEvent, { attributes },
        async () => {
          if (subscriber.delivery === 'with-checkpoint') {
            return (await subscriber.handle(handed, client)) ?? undefined;
          }
          await subscriber.handle(handed);
          return undefined;
        });
    }
    await saveCheckpoint(client, subscriber.name, last.position);
    return {
      read: events.length,
      handled: handed.length,
      position: last.position,
      ...(afterCommit ? { afterCommit } : {}),
    };
  });
}
