// The indexes of a projection's copy, made from the live tables' own definitions in the
// catalog. An index is made with the empty copy when the applier needs it (the unique keys
// its upserts and loads go by); the others are deferred and built after the replay, in one
// sort each instead of a B-tree insert per row: every index of an insert-only table (the
// largest saving of a rebuild) and every non-unique index, which no applier write relies on.
// A copy's index is named `<live name>__<suffix>` and takes the live name back at the swap.
import type { Pool, PoolClient } from 'pg';

export type IndexPlan = Readonly<{ now: readonly string[]; deferred: readonly string[] }>;

type LiveIndex = { name: string; unique: boolean; definition: string; constraint: string | null };

export async function planCopyIndexes(
  pool: Pool,
  table: string,
  target: { name: string; suffix: string; insertOnly: boolean },
): Promise<IndexPlan> {
  const now: string[] = [];
  const deferred: string[] = [];
  for (const index of await liveIndexes(pool, table)) {
    const statements = copyIndexDdl(index, target.name, `${index.name}__${target.suffix}`);
    const needed = index.unique && !target.insertOnly;
    (needed ? now : deferred).push(...statements);
  }
  return { now, deferred };
}

/** The copy's indexes get their live names back; run after the live tables were dropped. */
export async function restoreIndexNames(
  client: PoolClient,
  table: string,
  suffix: string,
): Promise<void> {
  const ending = `__${suffix}`;
  for (const index of await liveIndexes(client, table)) {
    if (!index.name.endsWith(ending)) continue;
    // Renaming an index renames the constraint it backs (a primary key) too.
    await client.query(`alter index ${index.name} rename to ${index.name.slice(0, -ending.length)}`);
  }
}

async function liveIndexes(queryable: Pool | PoolClient, table: string): Promise<LiveIndex[]> {
  const result = await queryable.query<LiveIndex>(
    `select c.relname as name, i.indisunique as unique,
            pg_get_indexdef(i.indexrelid) as definition, k.contype as constraint
       from pg_index i
       join pg_class c on c.oid = i.indexrelid
       left join pg_constraint k on k.conindid = i.indexrelid and k.conrelid = i.indrelid
      where i.indrelid = $1::regclass
      order by c.relname`,
    [table],
  );
  return result.rows;
}

function copyIndexDdl(index: LiveIndex, table: string, name: string): string[] {
  // `CREATE [UNIQUE] INDEX name ON table USING method (columns) [WHERE ...]`: keep the tail.
  const method = index.definition.slice(index.definition.indexOf(' USING '));
  const create = `create ${index.unique ? 'unique ' : ''}index ${name} on ${table}${method}`;
  // Primary keys and unique constraints stay constraints, so the swapped-in table has them.
  const kind = index.constraint === 'p' ? 'primary key' : index.constraint === 'u' ? 'unique' : null;
  if (kind === null) return [create];
  return [create, `alter table ${table} add constraint ${name} ${kind} using index ${name}`];
}
