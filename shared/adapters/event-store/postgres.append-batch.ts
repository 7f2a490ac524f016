// Runs one batch of appends as one statement (postgres.append-batch.sql.ts) and turns each
// result row into that request's outcome: its AppendResult, or the typed rejection the port
// names. The statement either commits every row it returns or raises for the whole batch,
// in which case this throws and the caller (group-commit.ts) retries the requests alone.
// Once the statement has returned, the batch is committed, so nothing after it may throw:
// a retry would write again. A row this code cannot read (a bug) fails only its request.
import type { Pool, PoolClient } from 'pg';
import { InvariantViolation, assert } from '../../errors/assert';
import {
  DuplicateEvent, IdempotencyKeyTaken, UniqueClaimTaken, VersionConflict,
  type AppendRequest, type AppendResult, type StreamAppend,
} from '../../ports/event-store.port';
import { requestEventIds } from './append-request';
import type { Settled } from './group-commit';
import { layOutBatch, type PreparedAppend } from './postgres.append-batch.params';
import { APPEND_BATCH_SQL, type AppendBatchRow } from './postgres.append-batch.sql';
import { STORE_TYPES } from './postgres.rows';

export type AppendBatchOptions = Readonly<{
  notify: boolean;
  /** Per request, the 1-based indices of earlier ones it follows (group-commit.ts). */
  after?: ReadonlyArray<readonly number[]>;
}>;

/**
 * On the pool, outside any BEGIN, the statement is a transaction of its own; on a client
 * inside a transaction (postgres.stream-locks.ts) it commits with that transaction.
 */
export async function appendBatch(
  pool: Pool | PoolClient,
  batch: readonly PreparedAppend[],
  options: AppendBatchOptions,
): Promise<Array<Settled<AppendResult>>> {
  const result = await pool.query<AppendBatchRow>({
    name: 'tng-event-store-append-batch',
    text: APPEND_BATCH_SQL,
    values: layOutBatch(batch, options.notify, options.after),
    types: STORE_TYPES,
  });
  return batch.map((prepared, index) => {
    try {
      const row = result.rows[index];
      assert(row !== undefined && result.rows.length === batch.length, 'a row per request');
      return settle(row, prepared.request, prepared.sent);
    } catch (error) {
      return { ok: false, error };
    }
  });
}

function settle(
  row: AppendBatchRow,
  request: AppendRequest,
  sent: readonly StreamAppend[],
): Settled<AppendResult> {
  switch (row.outcome) {
    case 'written':
    case 'stored':
      return { ok: true, value: resultOf(row, sent) };
    case 'version': {
      const stream = sent[culprit(row) - 1];
      assert(stream !== undefined && row.actual_version !== null, 'a conflict names its stream');
      const { streamId, expectedVersion } = stream;
      return failed(new VersionConflict(streamId, expectedVersion, row.actual_version));
    }
    case 'duplicate-event': {
      const eventId = requestEventIds(request)[culprit(row) - 1];
      assert(eventId !== undefined, 'a duplicate names its event');
      return failed(new DuplicateEvent(eventId));
    }
    case 'idempotency': {
      const record = request.idempotency;
      assert(record !== undefined, 'only a request with a record can find its key taken');
      return failed(new IdempotencyKeyTaken(record.scope, record.key));
    }
    case 'claim': {
      const claim = request.uniqueClaims?.[culprit(row) - 1];
      assert(claim !== undefined, 'a refused claim is named');
      return failed(new UniqueClaimTaken(claim.scope, claim.value));
    }
    default:
      throw new InvariantViolation(`unknown append outcome ${row.outcome}`);
  }
}

function resultOf(row: AppendBatchRow, sent: readonly StreamAppend[]): AppendResult {
  const versions = row.next_versions ?? [];
  assert(versions.length === sent.length, 'a version for every stream of the request');
  const nextVersions = new Map(sent.map((stream, index) =>
    [stream.streamId, BigInt(versions[index] ?? -1n)]));
  const position = row.last_position === null ? null : {
    transactionId: row.xact_id ?? -1n,
    globalPosition: row.last_position,
  };
  assert(position === null || position.transactionId >= 0n, 'a position has its transaction');
  return { nextVersions, position };
}

function culprit(row: AppendBatchRow): number {
  assert(row.item !== null && row.item >= 1, 'a rejection names its culprit');
  return row.item;
}

const failed = (error: Error): Settled<AppendResult> => ({ ok: false, error });
