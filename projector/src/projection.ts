// What a projection is: a name, the read-model tables it owns, and an applier that folds a
// batch of events into those tables inside the transaction the runner opens. The runner
// writes the checkpoint in the same transaction, so an event is never applied twice.
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../../shared/ports/event-store.port';
import type { AfterCommit } from '../../shared/subscriptions/subscriber';

/** Maps each logical table name to the physical one to write (live, shadow or scratch). */
export type TableNames = Readonly<Record<string, string>>;
export type { AfterCommit };

export interface Projection {
  readonly name: string;
  /** Logical table names, each created by a migration; rebuilds clone their shape. */
  readonly tables: readonly string[];
  /**
   * Tables the applier only inserts into (never updates or reads back), with a target-less
   * ON CONFLICT DO NOTHING. A rebuild fills them before building their indexes: one sort
   * instead of a B-tree insert per row. The applier must never write a key twice (e.g. it
   * skips events at or below a row's version); if it did, the index build fails the rebuild.
   */
  readonly insertOnlyTables?: readonly string[];
  /** The columns that identify a row, per table, for deterministic diffs (verify). */
  readonly keys: Readonly<Record<string, readonly string[]>>;
  /**
   * Applies events in order. Must be deterministic: no now(), no random ids. May return work
   * to run after the transaction commits (cache writes), which the live runner performs.
   */
  apply(
    client: PoolClient,
    events: readonly RecordedEvent[],
    tables: TableNames,
  ): Promise<AfterCommit | void>;
  /**
   * Optional: an applier for one replay into a copy, which nothing else writes. It may keep
   * rows in memory across batches and write them late, provided `finish` writes them all
   * before anyone reads the copy. The copy's checkpoint then says how far the session has
   * read, not what is written; nothing reads a copy in between, and a failed replay starts
   * over from an empty copy, so no step relies on it. Without this, replays use `apply`.
   */
  replaySession?(): ReplaySession;
}

/** An applier for one replay into a copy (see Projection.replaySession). */
export interface ReplaySession {
  apply(client: PoolClient, events: readonly RecordedEvent[], tables: TableNames): Promise<void>;
  /** Writes whatever the session still holds: the copy is complete when this resolves. */
  finish(client: PoolClient, tables: TableNames): Promise<void>;
}

/** The session a replay uses: the projection's own, or one that runs `apply` per batch. */
export const replaySessionOf = (projection: Projection): ReplaySession =>
  projection.replaySession?.() ?? {
    apply: async (client, events, tables) => {
      await projection.apply(client, events, tables); // After-commit work: a copy serves no one.
    },
    finish: async () => undefined,
  };

export const liveTables = (projection: Projection): TableNames =>
  Object.fromEntries(projection.tables.map((table) => [table, table]));

export const suffixedTables = (projection: Projection, suffix: string): TableNames =>
  Object.fromEntries(projection.tables.map((table) => [table, `${table}__${suffix}`]));
