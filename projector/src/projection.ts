// What a projection is: a name, the read-model tables it owns, and an applier that folds a
// batch of events into those tables inside the transaction the runner opens. The runner
// writes the checkpoint in the same transaction, so an event is never applied twice.
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../../shared/ports/event-store.port';

/** Maps each logical table name to the physical one to write (live, shadow or scratch). */
export type TableNames = Readonly<Record<string, string>>;
export type AfterCommit = () => Promise<void>;

export interface Projection {
  readonly name: string;
  /** Logical table names, each created by a migration; rebuilds clone their shape. */
  readonly tables: readonly string[];
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
}

export const liveTables = (projection: Projection): TableNames =>
  Object.fromEntries(projection.tables.map((table) => [table, table]));

export const suffixedTables = (projection: Projection, suffix: string): TableNames =>
  Object.fromEntries(projection.tables.map((table) => [table, `${table}__${suffix}`]));
