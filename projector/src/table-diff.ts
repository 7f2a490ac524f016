// Row-level comparison of a projection's live tables with a copy. The counts compare the
// tables as multisets (EXCEPT ALL): a row counts as different if it is missing, duplicated or
// differs in any column. The rows named are matched by the table's key (Projection.keys),
// in key order, the first ROWS_LISTED_MAX per table with the total beside them: a key found on
// one side only, or on both with the columns whose values differ, live against rebuilt.
import type { PoolClient } from 'pg';
import type { Copy } from './copy-tables';

export const ROWS_LISTED_MAX = 20;

/** A column value as Postgres prints it (exact: amounts stay digit strings), or null. */
export type ColumnValue = string | null;

export type RowDifference = Readonly<{
  /** The row's key columns and their values. */
  key: Readonly<Record<string, ColumnValue>>;
  /** The key is in both tables with other values, or in one of them only. */
  kind: 'changed' | 'only-in-live' | 'only-in-rebuild';
  /** For `changed`: each column that differs, with its live and rebuilt values. */
  columns: Readonly<Record<string, Readonly<{ live: ColumnValue; rebuilt: ColumnValue }>>>;
}>;

export type Difference = Readonly<{
  table: string;
  onlyInLive: number;
  onlyInRebuild: number;
  /** Keys whose rows differ; the first ROWS_LISTED_MAX are listed in `rows`. */
  rowsTotal: number;
  rows: readonly RowDifference[];
}>;

export async function diffCopy(client: PoolClient, copy: Copy): Promise<Difference[]> {
  const differences: Difference[] = [];
  for (const table of copy.projection.tables) {
    const target = copy.tables[table]!;
    const onlyInLive = await countExcept(client, table, target);
    const onlyInRebuild = await countExcept(client, target, table);
    if (onlyInLive + onlyInRebuild === 0) continue;
    const keys = copy.projection.keys[table] ?? [];
    const named = keys.length > 0
      ? await differingRows(client, table, target, keys)
      : { rowsTotal: 0, rows: [] };
    differences.push({ table, onlyInLive, onlyInRebuild, ...named });
  }
  return differences;
}

async function countExcept(client: PoolClient, left: string, right: string): Promise<number> {
  const result = await client.query<{ n: bigint | string }>(
    `select count(*) as n from (select * from ${left} except all select * from ${right}) d`,
  );
  return Number(result.rows[0]?.n ?? 0);
}

type Side = Record<string, ColumnValue> | null;

/**
 * Joins live and rebuilt rows on the key and keeps the pairs that differ. Each side comes
 * back as a JSON object of text values (jsonb_each_text), so no number loses precision.
 * Table and column names come from the projection's definition, never from input.
 */
async function differingRows(
  client: PoolClient,
  live: string,
  rebuilt: string,
  keys: readonly string[],
): Promise<{ rowsTotal: number; rows: RowDifference[] }> {
  const on = keys.map((key) => `l.${key} = r.${key}`).join(' and ');
  const order = keys.map((key) => `coalesce(l.${key}, r.${key})`).join(', ');
  const asText = (alias: string) =>
    `(select jsonb_object_agg(e.key, e.value) from jsonb_each_text(to_jsonb(${alias})) e)`;
  const result = await client.query<{ live: Side; rebuilt: Side; total: bigint | string }>(
    `select ${asText('l')} as live, ${asText('r')} as rebuilt, count(*) over () as total
       from ${live} l full join ${rebuilt} r on ${on}
      where to_jsonb(l) is distinct from to_jsonb(r)
      order by ${order}
      limit ${ROWS_LISTED_MAX}`,
  );
  const rows = result.rows.map((row) => rowDifference(keys, row.live, row.rebuilt));
  return { rowsTotal: Number(result.rows[0]?.total ?? 0), rows };
}

function rowDifference(keys: readonly string[], live: Side, rebuilt: Side): RowDifference {
  const either = (live ?? rebuilt)!;
  const key = Object.fromEntries(keys.map((column) => [column, either[column] ?? null]));
  if (!live) return { key, kind: 'only-in-rebuild', columns: {} };
  if (!rebuilt) return { key, kind: 'only-in-live', columns: {} };
  const names = [...new Set([...Object.keys(live), ...Object.keys(rebuilt)])];
  const columns = Object.fromEntries(
    names
      .filter((name) => (live[name] ?? null) !== (rebuilt[name] ?? null))
      .map((name) => [name, { live: live[name] ?? null, rebuilt: rebuilt[name] ?? null }]),
  );
  return { key, kind: 'changed', columns };
}
