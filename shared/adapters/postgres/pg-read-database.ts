// The read side's typed queries run straight on the runtime's pg Pool. Queries are written
// with slonik's `sql.type(Schema)` tag (the read models' row schemas, shared/read-models/), so
// each names its row type; this runs the text and values the tag built with one pool.query,
// and checks rows against the schema when asked. Slonik's own pool machinery (per-query
// tracing, connection bookkeeping, interceptors) cost the read side 40-50% more CPU per query
// and bought nothing we use: scripts/bench/read-queries.bench.ts and docs/architecture.md.
import type { Pool, PoolClient } from 'pg';
import {
  DataIntegrityError, NotFoundError, SchemaValidationError, type QuerySqlToken,
} from 'slonik';
import type { ReadDatabase } from '../../ports/read-database.port';

type Queryable = Pick<Pool, 'query'> | PoolClient;
type Token = QuerySqlToken;

export type PgReadDatabaseOptions = Readonly<{
  /** Parse every row with its query's schema (so a schema and its table cannot drift). */
  checkRows: boolean;
}>;

function methods(target: Queryable, options: PgReadDatabaseOptions) {
  const rows = async (query: Token): Promise<unknown[]> => {
    // The tag numbers its placeholders `$slonik_N`; slonik rewrites them to `$N` when it runs
    // a query, and so does this.
    const text = query.sql.replaceAll('$slonik_', '$');
    const result = await target.query(text, query.values as unknown[]);
    if (!options.checkRows || !query.parser) return result.rows;
    return result.rows.map((row: unknown) => {
      const parsed = query.parser.safeParse(row);
      const { success, error } = parsed;
      if (!success) throw new SchemaValidationError(query, row as never, error.issues);
      return parsed.data;
    });
  };
  const maybeOne = async (query: Token) => {
    const found = await rows(query);
    if (found.length > 1) throw new DataIntegrityError(query);
    return found[0] ?? null;
  };
  return {
    any: rows,
    maybeOne,
    one: async (query: Token) => {
      const row = await maybeOne(query);
      if (row === null) throw new NotFoundError(query);
      return row;
    },
  };
}

/** A ReadDatabase over `pool` (which parses int8 as bigint, as the runtime's does). */
export function createPgReadDatabase(pool: Pool, options: PgReadDatabaseOptions): ReadDatabase {
  return {
    ...methods(pool, options),
    transaction: async (handler: (connection: unknown) => Promise<unknown>) => {
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        await client.query('begin');
        const result = await handler(methods(client, options));
        await client.query('commit');
        return result;
      } catch (error) {
        failure = error as Error;
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release(failure);
      }
    },
  } as unknown as ReadDatabase;
}
