// Row-level comparison of a projection's live tables with a copy, as multisets (EXCEPT ALL):
// a row counts as different if it is missing, duplicated or differs in any column.
import type { PoolClient } from 'pg';
import type { Copy } from './copy-tables';

export type Difference = { table: string; onlyInLive: number; onlyInRebuild: number };

export async function diffCopy(client: PoolClient, copy: Copy): Promise<Difference[]> {
  const differences: Difference[] = [];
  for (const table of copy.projection.tables) {
    const target = copy.tables[table]!;
    const onlyInLive = await countExcept(client, table, target);
    const onlyInRebuild = await countExcept(client, target, table);
    if (onlyInLive + onlyInRebuild > 0) differences.push({ table, onlyInLive, onlyInRebuild });
  }
  return differences;
}

async function countExcept(client: PoolClient, left: string, right: string): Promise<number> {
  const result = await client.query<{ n: bigint | string }>(
    `select count(*) as n from (select * from ${left} except all select * from ${right}) d`,
  );
  return Number(result.rows[0]?.n ?? 0);
}
