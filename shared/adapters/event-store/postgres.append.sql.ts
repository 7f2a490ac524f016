// The two statements of an append, kept apart from the code that runs them. Both are
// prepared (named) on each pooled connection: an append is the hot path, thousands a second.

/** Encoding of ExpectedVersion as a bigint parameter: 'any' is -1, 'no-stream' is 0. */
export const EXPECT_ANY = -1n;

/**
 * Statement 1: lock each stream's row and advance its version by the number of new events,
 * but only where the expected version holds. The row lock is held to commit, so writers of
 * one stream queue here (an 'any' append waits instead of failing) and the check cannot go
 * stale before the events are written. Streams are locked in byte order of stream_id (collation
 * "C", whatever the database's), the same order in every append, so two appends cannot
 * deadlock on each other's streams.
 *
 * A missing stream is created only when 'any' or 'no-stream' (or 0) was expected. Rows come
 * back for the streams that passed; `last_hash` is still the hash before this append.
 * params: stream ids (sorted), expected versions, event counts, the genesis hash.
 */
export const LOCK_STREAMS_SQL = `
with request as (
  select r.stream_id, r.expected, r.event_count
  from unnest($1::text[], $2::bigint[], $3::bigint[]) as r(stream_id, expected, event_count)
)
insert into streams as s (stream_id, version, last_hash)
select request.stream_id, request.event_count, $4::text
from request
where request.expected <= 0
   or exists (select 1 from streams existing where existing.stream_id = request.stream_id)
order by request.stream_id collate "C"
on conflict (stream_id) do update set version = s.version + excluded.version
where (select r.expected from request r where r.stream_id = s.stream_id) in (-1, s.version)
returning s.stream_id, s.version, s.last_hash`;

/**
 * Statement 2: the events (one multi-row insert), the new stream heads, the idempotency
 * record and the unique claims, all at once. A claim already owned by the same owner is
 * "updated" to itself and counts as written; one owned by another is not written, which
 * the caller sees as `claimed` below the number requested.
 * params: 8 event columns, 2 head columns, 5 idempotency columns, 3 claim columns.
 */
const WRITE_SQL = `
with appended as (
  insert into events
    (stream_id, stream_version, event_id, type, schema_version, data, metadata, hash)
  select * from unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::int[],
    $6::jsonb[], $7::jsonb[], $8::text[])
  returning global_position
),
heads as (
  update streams s set last_hash = h.last_hash
  from unnest($9::text[], $10::text[]) as h(stream_id, last_hash)
  where s.stream_id = h.stream_id
),
kept as (
  insert into idempotency_keys (scope, key, request_hash, response_status, response_body)
  select * from unnest($11::text[], $12::text[], $13::text[], $14::int[], $15::text[])
),
claimed as (
  insert into unique_claims as c (scope, value, owner_id)
  select * from unnest($16::text[], $17::text[], $18::text[])
  on conflict (scope, value) do update set owner_id = excluded.owner_id
  where c.owner_id = excluded.owner_id
  returning 1
)
select (select count(*)::int from claimed) as claimed,
  (select max(global_position) from appended) as global_position,
  pg_current_xact_id() as transaction_id`;

/** The channel subscribers LISTEN on; the payload is empty, it only says "look again". */
export const APPEND_CHANNEL = 'tng_events';

// NOTIFY inside the append's transaction is delivered at commit, never for a rollback.
export const WRITE_AND_NOTIFY_SQL = `${WRITE_SQL},
  pg_notify('${APPEND_CHANNEL}', '') is null as notified`;
export const WRITE_ONLY_SQL = WRITE_SQL;
