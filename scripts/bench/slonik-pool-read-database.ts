// For the read-queries benchmark only: slonik's own pool over the runtime's pg Pool, the way the
// read side first ran its typed queries, before shared/adapters/postgres/pg-read-database.ts
// (docs/architecture.md, "Read side", has the figures).
// Slonik's own driver would open a second pool, with its own type parsers (timestamps as
// numbers, numeric as float) and an eager connection to look up type ids. This driver instead
// checks a client out of the given pool for each slonik connection, so reads share the pool's
// size, connect timeout (an unreachable server still answers 503), int8-as-bigint parsers and
// metrics; its errors are pg's own, which shared/errors/unavailable.ts already classifies.
// Rows are checked against the query's zod schema (`sql.type(Schema)`) by an interceptor:
// slonik 47 does not parse them by itself.
import type { Pool, PoolClient } from 'pg';
import {
  createDriverFactory, createPool, SchemaValidationError, type DatabasePool, type DriverCommand,
  type Interceptor,
} from 'slonik';

/** Runs the schema a query was typed with over each row it returns. */
const parseRowsWithSchema: Interceptor = {
  name: 'parse-rows-with-schema',
  transformRow: (context, query, row) => {
    if (!context.resultParser) return row;
    const parsed = context.resultParser.safeParse(row);
    if (!parsed.success) throw new SchemaValidationError(query, row, parsed.error.issues);
    return parsed.data as typeof row;
  },
};

const driverOverPool = (pool: Pool) =>
  createDriverFactory(async () => ({
    createPoolClient: async () => {
      let client: PoolClient | undefined;
      let failure: Error | undefined;
      return {
        connect: async () => {
          client = await pool.connect();
        },
        end: async () => {
          // As pool.query does: a client whose query failed is discarded, not reused (the
          // server may have closed it a moment before the socket says so).
          client?.release(failure);
          client = undefined;
        },
        query: async (text, values) => {
          const result = await client!.query(text, values).catch((error: Error) => {
            failure = error;
            throw error;
          });
          return {
            command: result.command as DriverCommand,
            fields: result.fields.map((field) => ({
              dataTypeId: field.dataTypeID,
              name: field.name,
            })),
            rowCount: result.rowCount,
            rows: result.rows,
          };
        },
        stream: () => {
          throw new Error('streaming is not supported over the shared pool');
        },
      };
    },
  }));

/**
 * A slonik pool whose connections are clients of `pool` (which must parse int8 as bigint, as
 * the runtime's does). End it before `pool`: ending it hands every client back.
 * `checkRows: false` leaves rows unchecked: only for measuring what the check costs.
 */
export async function createSlonikReadDatabase(
  pool: Pool,
  url: string,
  options: { checkRows?: boolean } = {},
): Promise<DatabasePool> {
  const database = await createPool(url, {
    driverFactory: driverOverPool(pool),
    interceptors: options.checkRows === false ? [] : [parseRowsWithSchema],
    // Never more connections than the pool has clients, and an idle one goes straight back to
    // the pool: slonik must not sit on clients the command side and the projector need.
    maximumPoolSize: pool.options.max ?? 10,
    idleTimeout: 1,
    // The pool's connect timeout already bounds a wait; retries would only multiply it.
    connectionRetryLimit: 0,
    queryRetryLimit: 0,
    // A read leaves nothing behind on the connection, so no DISCARD ALL after each one.
    resetConnection: async () => undefined,
  });
  // Slonik also emits a failed query's error on the pool; the caller gets it thrown anyway,
  // and an 'error' event with no listener would replace it with ERR_UNHANDLED_ERROR.
  database.on('error', () => undefined);
  return database;
}
