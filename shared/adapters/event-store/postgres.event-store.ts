// The Postgres EventStore, the default and verified adapter (docs/architecture.md "The event
// store"; schema in migrations/0001_event_store.sql). Invariants it keeps:
// - an append is one transaction, all or nothing, over any number of streams; concurrent
//   appends share transactions (group commit, group-commit.ts) but never each other's fate;
// - readers see only transactions below the oldest one still running, ordered by
//   (transaction_id, global_position), so a transaction that commits late is never skipped;
// - every event's hash chains onto the previous one of its stream (tamper evidence);
// - events are never updated or deleted (triggers refuse it, for everyone).
import { Pool, type ClientConfig, type PoolConfig } from 'pg';
import { assert } from '../../errors/assert';
import { Permits } from '../../concurrency/permits';
import { InfraError } from '../../errors/domain-error';
import { isDependencyUnavailable } from '../../errors/unavailable';
import {
  START_POSITION, predecessorFailed,
  type AppendOptions, type AppendRequest, type AppendResult, type EventCodec, type EventStore,
  type IdempotencyRecord, type LockedDecision, type LockedOutcome, type Position,
  type RecordedEvent, type StreamId, type StreamVerification,
} from '../../ports/event-store.port';
import { awaitPredecessors } from './append-chain';
import { assertReadLimit, assertValidAppend } from './append-request';
import {
  GroupCommit, runAlone, type GroupCommitObserver, type GroupCommitOptions, type RunBatch,
  type Settled,
} from './group-commit';
import { appendBatch } from './postgres.append-batch';
import { prepareAppend, type PreparedAppend } from './postgres.append-batch.params';
import { AppendListener } from './postgres.append-listener';
import { AppendNotifier } from './postgres.append-notifier';
import { asStoreError, isRetryableAppendFailure } from './postgres.errors';
import { decideUnderLocks } from './postgres.stream-locks';
import {
  EVENT_COLUMNS, STORE_TYPES, positionOf, toRecordedEvent, type EventRow,
} from './postgres.rows';
import { verifyPostgresStreams } from './postgres.verify';

export type PostgresEventStoreOptions = Readonly<{
  /** Either a URL (the store creates and owns its pool) or a pool the caller owns. */
  connection: { url: string; poolSizeMax?: number } | { pool: Pool };
  /** Upcasts payloads on read; verification always reads the stored form. */
  codec?: EventCodec;
  /**
   * How appends wake other processes' subscribers (this process's wake at once):
   * - 'in-transaction' (default): NOTIFY inside the append, delivered with the commit;
   * - 'after-commit': a coalesced NOTIFY right after the commit, which keeps appends off
   *   NOTIFY's cluster-wide commit lock (see postgres.append-notifier.ts): worth measuring
   *   where fsync is slow and appends run in thousands a second;
   * - 'off': subscribers in other processes poll.
   */
  notify?: AppendNotifyMode;
  /**
   * true (default): concurrent appends are written in shared transactions, one commit for
   * many (group-commit.ts). false: each append is its own transaction, as many at once as
   * the pool has connections (for comparison, and for callers that never run concurrently).
   */
  groupCommit?: boolean;
  /** Told of each group-commit batch and each append's latency (metrics, at the root). */
  observer?: GroupCommitObserver;
}>;

export type AppendNotifyMode = 'after-commit' | 'in-transaction' | 'off';

export const POOL_SIZE_DEFAULT = 20;
const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;

/** Appends in one group-commit batch: more makes each commit longer, not cheaper. */
export const GROUP_COMMIT_REQUESTS_MAX = 256;
/**
 * Events plus streams in one batch. A batch holds one lock per stream in Postgres's shared
 * lock table (sized by max_locks_per_transaction), so streams count as well as events; a
 * single larger append (up to APPEND_EVENTS_MAX events) goes alone.
 */
export const GROUP_COMMIT_WEIGHT_MAX = 2_000;
/** Appends waiting for the writer; past it append fails fast with an InfraError. */
export const APPEND_QUEUE_MAX = 10_000;
/** Attempts of an append run alone after its batch failed (deadlock, lost race). */
export const APPEND_ALONE_ATTEMPTS_MAX = 3;
/**
 * Locked decisions at once, as a share of the pool: each holds a connection while its reads
 * need others, so they must never take them all (a decision would wait for a connection
 * held by one waiting for its locks).
 */
export const LOCKED_DECISIONS_POOL_SHARE = 4;

const APPEND_OPTIONS: GroupCommitOptions<PreparedAppend> = {
  batchRequestsMax: GROUP_COMMIT_REQUESTS_MAX,
  batchWeightMax: GROUP_COMMIT_WEIGHT_MAX,
  queueRequestsMax: APPEND_QUEUE_MAX,
  aloneAttemptsMax: APPEND_ALONE_ATTEMPTS_MAX,
  weigh: (prepared) => prepared.eventCount + prepared.sent.length,
  isRetryable: isRetryableAppendFailure,
  failsEveryone: isDependencyUnavailable,
  queueFull: () => new InfraError('event store: too many appends waiting'),
  predecessorFailed: (prepared) => predecessorFailed(prepared.request),
};

// readAll's horizon: transactions below the snapshot's xmin have all ended, and none that
// start later can take a lower id, so nothing can appear behind a reader's checkpoint.
const READ_ALL_SQL = `select ${EVENT_COLUMNS} from events
  where (transaction_id, global_position) > ($1::xid8, $2::bigint)
    and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  order by transaction_id, global_position
  limit $3`;

// A page of a stream by version range as well as by limit. Versions are dense (1, 2, 3, ...),
// so the range holds the page exactly; bounded on both sides, the planner cannot read and
// sort the rest of a long stream for each page, as it did when it underestimated the
// stream's size (docs/performance.md, "Audit replay": 20 pages of a 100,000-event stream
// sorted about a million rows on disk).
const READ_STREAM_RANGE_SQL = `select ${EVENT_COLUMNS} from events
  where stream_id = $1 and stream_version >= $2::bigint and stream_version < $2::bigint + $3
  order by stream_version
  limit $3`;

const READ_STREAM_FROM_SQL = `select ${EVENT_COLUMNS} from events
  where stream_id = $1 and stream_version >= $2
  order by stream_version
  limit $3`;

const HEAD_POSITION_SQL = `select transaction_id, global_position from events
  where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  order by transaction_id desc, global_position desc
  limit 1`;

export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly listener: AppendListener;
  private readonly notifyMode: AppendNotifyMode;
  private readonly notifier: AppendNotifier;
  private readonly groupCommit: GroupCommit<PreparedAppend, AppendResult> | null;
  private readonly lockedDecisions: Permits;
  private readonly submittedAppends =
    new WeakMap<Promise<AppendResult>, Promise<Settled<AppendResult>>>();
  private closed = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    const { connection } = options;
    if ('pool' in connection) {
      this.pool = connection.pool;
      this.ownsPool = false;
    } else {
      this.pool = new Pool(poolConfig(connection.url, connection.poolSizeMax));
      this.ownsPool = true;
      // An idle connection that dies is dropped by the pool and the next query opens
      // another; without a listener the 'error' event would crash the process.
      this.pool.on('error', () => undefined);
      // The same for a connection that dies while checked out: its query fails by itself.
      this.pool.on('connect', (client) => client.on('error', () => undefined));
    }
    this.listener = new AppendListener(listenerConfig(this.pool));
    this.notifyMode = options.notify ?? 'in-transaction';
    this.notifier = new AppendNotifier(this.pool);
    const poolSize = this.pool.options.max ?? POOL_SIZE_DEFAULT;
    this.lockedDecisions = new Permits(
      Math.max(1, Math.floor(poolSize / LOCKED_DECISIONS_POOL_SHARE)),
    );
    const runBatch: RunBatch<PreparedAppend, AppendResult> =
      (batch, after) => this.writeBatch(batch, after);
    this.groupCommit = options.groupCommit === false
      ? null
      : new GroupCommit(runBatch, { ...APPEND_OPTIONS, observer: options.observer });
  }

  append(request: AppendRequest, options: AppendOptions = {}): Promise<AppendResult> {
    let submitted: Promise<Settled<AppendResult>>;
    try {
      assert(!this.closed, 'the store is open');
      assertValidAppend(request);
      // Hashing input is prepared here, on the caller's turn, not the writer's.
      submitted = this.submit(prepareAppend(request), options.after ?? []);
    } catch (error) {
      return Promise.reject(error);
    }
    const appended = submitted.then((settled) => {
      if (!settled.ok) throw asStoreError(settled.error);
      return settled.value;
    });
    // A later append chained after this one finds its place in the queue through here.
    this.submittedAppends.set(appended, submitted);
    return appended;
  }

  /**
   * Into the group-commit queue, chained after the predecessors it holds; predecessors it
   * does not hold (appended without group commit, or locked) are waited for first. Without
   * group commit, one append at a time once every predecessor has its outcome.
   */
  private submit(
    prepared: PreparedAppend,
    after: readonly Promise<AppendResult>[],
  ): Promise<Settled<AppendResult>> {
    const queued = after.map((promise) => this.submittedAppends.get(promise));
    const groupCommit = this.groupCommit;
    if (groupCommit && queued.every((one) => one !== undefined)) {
      return groupCommit.submit(prepared, queued as Array<Promise<Settled<AppendResult>>>);
    }
    const writeAlone: RunBatch<PreparedAppend, AppendResult> =
      (batch) => this.writeBatch(batch, [[]]);
    return awaitPredecessors(prepared.request, after).then(
      () => (groupCommit
        ? groupCommit.submit(prepared)
        : runAlone(writeAlone, prepared, APPEND_OPTIONS)),
      (error: unknown) => ({ ok: false as const, error }),
    );
  }

  async withStreamLocks<T>(
    streamIds: readonly StreamId[],
    decide: () => Promise<LockedDecision<T>>,
  ): Promise<LockedOutcome<T>> {
    assert(!this.closed, 'the store is open');
    const notify = this.notifyMode === 'in-transaction';
    const outcome = await this.lockedDecisions.with(() =>
      decideUnderLocks(this.pool, streamIds, decide, { notify }));
    if (outcome.result?.position) this.wakeSubscribers();
    return outcome;
  }

  // One statement, one transaction, one round trip; subscribers wake once per batch.
  private async writeBatch(
    batch: readonly PreparedAppend[],
    after: ReadonlyArray<readonly number[]>,
  ): Promise<Array<Settled<AppendResult>>> {
    const notify = this.notifyMode === 'in-transaction';
    const outcomes = await appendBatch(this.pool, batch, { notify, after });
    if (outcomes.some((outcome) => outcome.ok && outcome.value.position)) this.wakeSubscribers();
    return outcomes;
  }

  async readStream(
    streamId: StreamId,
    options: { fromVersion: bigint; limit: number },
  ): Promise<RecordedEvent[]> {
    assertReadLimit(options.limit);
    const { fromVersion, limit } = options;
    const values = [streamId, fromVersion.toString(), limit];
    const rows = await this.query<EventRow>(READ_STREAM_RANGE_SQL, values);
    // Short only at the stream's end (or at a gap, which appends never leave): the open-ended
    // read finds nothing at the end, cheaply, and keeps the result exact at a gap.
    if (rows.length < limit) {
      const after = rows.at(-1)?.stream_version ?? fromVersion - 1n;
      const rest = limit - rows.length;
      rows.push(...await this.query<EventRow>(
        READ_STREAM_FROM_SQL, [streamId, (after + 1n).toString(), rest]));
    }
    return rows.map((row) => toRecordedEvent(row, this.options.codec));
  }

  async streamVersion(streamId: StreamId): Promise<bigint> {
    const rows = await this.query<{ version: bigint }>(
      'select version from streams where stream_id = $1',
      [streamId],
    );
    return rows[0]?.version ?? 0n;
  }

  async readAll(options: { after: Position; limit: number }): Promise<RecordedEvent[]> {
    assertReadLimit(options.limit);
    const { transactionId, globalPosition } = options.after;
    const rows = await this.query<EventRow>(
      READ_ALL_SQL,
      [transactionId.toString(), globalPosition.toString(), options.limit],
      'tng-event-store-read-all',
    );
    return rows.map((row) => toRecordedEvent(row, this.options.codec));
  }

  async headPosition(): Promise<Position> {
    const rows = await this.query<{ transaction_id: bigint; global_position: bigint }>(
      HEAD_POSITION_SQL,
      [],
    );
    const row = rows[0];
    return row ? positionOf(row) : START_POSITION;
  }

  waitForAppend(timeoutMs: number): Promise<void> {
    return this.listener.wait(timeoutMs);
  }

  async findUniqueClaim(scope: string, value: string): Promise<string | null> {
    const rows = await this.query<{ owner_id: string }>(
      'select owner_id from unique_claims where scope = $1 and value = $2', [scope, value]);
    return rows[0]?.owner_id ?? null;
  }

  async findPasswordHash(userId: string): Promise<string | null> {
    const rows = await this.query<{ password_hash: string }>(
      'select password_hash from credentials where user_id = $1', [userId]);
    return rows[0]?.password_hash ?? null;
  }

  async findIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const rows = await this.query<{
      request_hash: string; response_status: number; response_body: string;
    }>(
      `select request_hash, response_status, response_body from idempotency_keys
        where scope = $1 and key = $2`,
      [scope, key],
    );
    const row = rows[0];
    if (!row) return null;
    const { request_hash: requestHash, response_status: responseStatus } = row;
    return { scope, key, requestHash, responseStatus, responseBody: row.response_body };
  }

  async verifyStreams(
    options: { onProgress?: (streams: number) => void } = {},
  ): Promise<StreamVerification> {
    try {
      return await verifyPostgresStreams(this.pool, options.onProgress);
    } catch (error) {
      throw asStoreError(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groupCommit?.idle();
    await this.listener.close();
    await this.notifier.settled();
    if (this.ownsPool) await this.pool.end();
  }

  private wakeSubscribers(): void {
    this.listener.wakeLocal();
    if (this.notifyMode === 'after-commit') this.notifier.committed();
  }

  private async query<Row extends object>(
    text: string,
    values: unknown[],
    name?: string,
  ): Promise<Row[]> {
    try {
      const result = await this.pool.query<Row>({ name, text, values, types: STORE_TYPES });
      return result.rows;
    } catch (error) {
      throw asStoreError(error);
    }
  }
}

export function createPostgresEventStore(options: PostgresEventStoreOptions): PostgresEventStore {
  return new PostgresEventStore(options);
}

function poolConfig(url: string, poolSizeMax = POOL_SIZE_DEFAULT): PoolConfig {
  return {
    connectionString: url,
    max: poolSizeMax,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    application_name: 'tng-event-store',
    types: STORE_TYPES,
  };
}

// The listener connects like the pool does, but outside it: a LISTEN must keep its session.
function listenerConfig(pool: Pool): ClientConfig {
  const { max: _max, idleTimeoutMillis: _idle, ...clientConfig } = pool.options;
  return { ...clientConfig, application_name: 'tng-event-store-listener' };
}
