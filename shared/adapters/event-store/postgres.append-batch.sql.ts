// The one statement of an append: a call of tng_append_batch (migrations/
// 0009_append_batch.sql) with a whole batch of requests laid out as one jsonb array by
// postgres.append-batch.params.ts. Sent on its own, outside any BEGIN, it is its own
// transaction: Postgres commits it before answering, so a reply means the batch is durable.

/** The channel subscribers LISTEN on; the payload is empty, it only says "look again". */
export const APPEND_CHANNEL = 'tng_events'; // 0009_append_batch.sql notifies it by name.

/** ExpectedVersion as the function takes it: 'any' is -1, 'no-stream' is 0. */
export const EXPECT_ANY = -1n;
export const EXPECT_NO_STREAM = 0n;

/** The function's parameters, in order, with their types (one statement plan for all). */
export const APPEND_BATCH_PARAMETER_TYPES = [
  'jsonb', // the batch: an element per request (postgres.append-batch.params.ts)
  'boolean', // notify in the transaction
] as const;

const placeholders = APPEND_BATCH_PARAMETER_TYPES
  .map((type, index) => `$${index + 1}::${type}`)
  .join(', ');

export const APPEND_BATCH_SQL = `select outcome, next_versions, item, actual_version,
  last_position, xact_id from tng_append_batch(${placeholders})`;

/** One row per request, in request order. */
export type AppendBatchRow = {
  outcome: string; // written | stored | idempotency | version | duplicate-event | claim
  next_versions: Array<string | bigint> | null; // per stream, in the order sent
  item: number | null; // 1-based index of the stale stream, stored event or taken claim
  actual_version: bigint | null;
  last_position: bigint | null;
  xact_id: bigint | null;
};
