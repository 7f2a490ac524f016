// EventStore.withStreamLocks for Postgres: a decision taken, and appended, under the streams'
// write locks (docs/architecture.md "Commands"). One transaction on one pooled connection:
// 1. tng_lock_streams (migrations/0008_append_steps.sql) takes the streams' advisory locks,
//    the very locks every append takes first, in the same order (by lock key), so appends
//    from any process wait for this decision and two locked decisions cannot deadlock;
// 2. the caller's decision reads through the store's pool: each read is a new snapshot taken
//    after the locks were granted, so it sees every append to those streams (a holder's
//    commit is visible before its locks are released), and none can follow until commit;
// 3. the decision's append is tng_append_batch with a batch of one, on this connection, so
//    it keeps every check of `append` (key, stored events, versions, claims), the hash chain
//    and the idempotency record, and commits with the locks' release.
// Locks taken before the first write leave the transaction without an id until the append,
// as in a group-commit batch, so ids (readAll's order) still follow every stream's versions.
// The appended request must touch only locked streams: locking another one late could wait
// in the wrong order (a bug, asserted before anything is sent).
import type { Pool, PoolClient } from 'pg';
import type {
  AppendResult, LockedDecision, LockedOutcome, StreamId,
} from '../../ports/event-store.port';
import { assertAppendUnderLocks, assertValidAppend, assertValidLocks } from './append-request';
import { appendBatch } from './postgres.append-batch';
import { prepareAppend } from './postgres.append-batch.params';
import { asStoreError } from './postgres.errors';

export type LockedDecisionOptions = Readonly<{ notify: boolean }>;

const LOCK_STREAMS_SQL = 'select tng_lock_streams($1::text[])';

export async function decideUnderLocks<T>(
  pool: Pool,
  streamIds: readonly StreamId[],
  decide: () => Promise<LockedDecision<T>>,
  options: LockedDecisionOptions,
): Promise<LockedOutcome<T>> {
  assertValidLocks(streamIds);
  const locked = new Set(streamIds);
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw asStoreError(error);
  }
  let broken: unknown;
  let deciding = false;
  try {
    await client.query('begin');
    await client.query({ name: 'tng-lock-streams', text: LOCK_STREAMS_SQL, values: [[...locked]] });
    deciding = true;
    const { value, append } = await decide();
    deciding = false;
    let result: AppendResult | null = null;
    if (append) {
      assertValidAppend(append);
      assertAppendUnderLocks(append, locked);
      const [settled] = await appendBatch(client, [prepareAppend(append)], options);
      if (!settled?.ok) throw settled?.error;
      result = settled.value;
    }
    await client.query('commit');
    return { value, result };
  } catch (error) {
    broken = await rollBack(client);
    // The decision's own errors (a rejection, its reads' store errors) pass as they are.
    throw deciding ? error : asStoreError(error);
  } finally {
    // A connection that could not roll back is dropped, not handed to the next caller.
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/** Rolls back, or gives the reason the connection cannot be reused. */
async function rollBack(client: PoolClient): Promise<unknown> {
  try {
    await client.query('rollback');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
