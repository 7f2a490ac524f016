// Replays the log into a projection's copy (copy-tables.ts), in two phases:
// - `replayCopy`, outside any lock while the live runner keeps going, up to a bound fixed
//   before it starts (so a busy ledger cannot keep it going). It reads batch n + 1 while
//   batch n is written: Node decodes while Postgres writes, so both cores work. Each batch
//   commits with the copy's checkpoint, as a live step does.
// - `catchUpCopy`, inside the caller's transaction (which holds the live checkpoint lock, or
//   a snapshot of it), from the copy's checkpoint up to a bound read in that transaction.
// Both apply through the copy's replay session, which may hold rows back: `finishCopy`
// writes them, and nothing may read the copy before it has run.
import type { Pool, PoolClient } from 'pg';
import { assert, InvariantViolation } from '../../shared/errors/assert';
import {
  comparePositions,
  START_POSITION,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '../../shared/ports/event-store.port';
import { lockCheckpoint, saveCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import { inTransaction } from '../../shared/subscriptions/in-transaction';
import { readBatch } from '../../shared/subscriptions/read-batch';
import type { Copy } from './copy-tables';

/** A guard on catch-up: far above any lag a paused runner could leave, so reaching it is a bug. */
export const CATCH_UP_BATCHES_MAX = 100_000;

export type Progress = (applied: number, total: number) => void;
export type ReplayDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  /** Events per batch and transaction; at most the store's read limit (10,000). */
  batchSizeMax: number;
  onProgress?: Progress;
}>;

/** Replays a fresh copy from the start up to `until`; returns the number of events applied. */
export async function replayCopy(deps: ReplayDeps, copy: Copy, until: Position): Promise<number> {
  // Counted after `until` was read, so no more events than this lie at or before it.
  const total = await countEvents(deps.pool);
  const batchesMax = Math.ceil(total / deps.batchSizeMax) + 1;
  const read = (after: Position) =>
    prefetch(readBatch(deps.store, after, deps.batchSizeMax, until));
  let after = START_POSITION;
  let applied = 0;
  let next = read(after);
  for (let batch = 0; batch < batchesMax; batch += 1) {
    const events = await next;
    const last = events.at(-1);
    if (!last) return applied;
    // A short batch ended at `until`, since everything up to it is readable: `until` lay
    // below the store's read horizon when it was taken, and the horizon only moves forward.
    // So nothing is left to read.
    next = events.length < deps.batchSizeMax ? Promise.resolve([]) : read(last.position);
    await applyToCopy(deps.pool, copy, after, events);
    after = last.position;
    applied += events.length;
    deps.onProgress?.(applied, Math.max(total, applied));
  }
  throw new InvariantViolation(`replay of ${copy.checkpointName} ran past ${batchesMax} batches`);
}

/** Applies events after the copy's checkpoint up to `until` in the caller's transaction. */
export async function catchUpCopy(
  client: PoolClient,
  deps: ReplayDeps,
  copy: Copy,
  until: Position,
): Promise<number> {
  let applied = 0;
  for (let batch = 0; batch < CATCH_UP_BATCHES_MAX; batch += 1) {
    const after = await lockCheckpoint(client, copy.checkpointName);
    const events = await readBatch(deps.store, after, deps.batchSizeMax, until);
    const last = events.at(-1);
    if (!last) return applied;
    await copy.session.apply(client, events, copy.tables);
    await saveCheckpoint(client, copy.checkpointName, last.position);
    applied += events.length;
  }
  throw new InvariantViolation(`catch-up of ${copy.checkpointName} ran past its bound`);
}

/** Writes what the copy's session holds back, in the caller's transaction. */
export async function finishCopy(client: PoolClient, copy: Copy): Promise<void> {
  await copy.session.finish(client, copy.tables);
}

async function applyToCopy(
  pool: Pool,
  copy: Copy,
  expected: Position,
  events: readonly RecordedEvent[],
): Promise<void> {
  await inTransaction(pool, async (client) => {
    // A copy is scratch until it is swapped in, and a failed replay starts over, so its
    // batches need not wait for the disk. The swap's own commit is synchronous, and the WAL
    // is flushed in order, so once the swap is durable everything before it is too.
    await client.query('set local synchronous_commit = off');
    const at = await lockCheckpoint(client, copy.checkpointName);
    // The batch was read ahead, after `expected`: it fits only if the copy is still there.
    assert(comparePositions(at, expected) === 0, `only one replay writes ${copy.checkpointName}`);
    await copy.session.apply(client, events, copy.tables);
    await saveCheckpoint(client, copy.checkpointName, events.at(-1)!.position);
  });
}

/**
 * A read started ahead of its use. If the batch before it fails, the replay throws and
 * never awaits this read; marking it handled keeps a failure of its own from becoming an
 * unhandled rejection, which would end the process. Awaiting it still throws.
 */
function prefetch<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function countEvents(pool: Pool): Promise<number> {
  // Exact rather than the planner's estimate: it also bounds the replay loop, and it costs
  // little next to the replay itself.
  const result = await pool.query<{ n: bigint | string }>('select count(*) as n from events');
  return Number(result.rows[0]?.n ?? 0);
}
