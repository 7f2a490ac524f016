// The human rendering of `tng projections verify`: per table that differs, its counts, then
// the rows it names by key, live value against rebuilt value for each column that differs,
// and how many more were not listed (as `tng audit verify` lists its findings).
import type { Difference, RowDifference } from '../../projector/src/table-diff';

export function humanTableDifferences(differences: readonly Difference[]): string[] {
  return differences.flatMap((difference) => [
    `  ${difference.table}: ${difference.onlyInLive} rows only in the live table, ` +
      `${difference.onlyInRebuild} only in the rebuild`,
    ...difference.rows.map((row) => `      - ${humanRow(row)}`),
    ...(difference.rowsTotal > difference.rows.length
      ? [`      (${difference.rowsTotal - difference.rows.length} more rows not listed)`]
      : []),
  ]);
}

/** `wallet_id=w-1: balance 5001 (live) vs 5000 (rebuilt)`. */
function humanRow(row: RowDifference): string {
  const key = Object.entries(row.key)
    .map(([column, value]) => `${column}=${value ?? 'null'}`)
    .join(' ');
  if (row.kind === 'only-in-live') return `${key}: only in the live table`;
  if (row.kind === 'only-in-rebuild') return `${key}: missing from the live table`;
  const columns = Object.entries(row.columns).map(
    ([column, values]) =>
      `${column} ${values.live ?? 'null'} (live) vs ${values.rebuilt ?? 'null'} (rebuilt)`,
  );
  return `${key}: ${columns.join(', ')}`;
}
