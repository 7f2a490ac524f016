-- Up Migration
-- The batch append of 0004_append_function.sql as named steps, first half: the typed records
-- a batch is read into and the steps that read, check and write; 0009_append_batch.sql runs
-- them as tng_append_batch. Each step works on the whole batch at once where it touches a
-- table (one statement per step, not per request: a batch of 256 requests must stay one
-- short transaction) and on arrays in memory where it decides.

-- One append as the adapter sends it (postgres.append-batch.params.ts writes the JSON with
-- these field names; one jsonb array element per append). Within a request, streams come
-- in code-unit order of their ids: the first stale one is the one a VersionConflict names.
-- `expected`: -1 any, 0 no stream (or version 0), n exactly n. An event's `stream` is the
-- 1-based index of its stream in `streams`; `head` and `tail` are its canonical JSON before
-- and after the version's digits (event-hash.ts), since the version is assigned here and is
-- part of what is hashed.
create type tng_append_stream as (stream_id text, expected bigint);
create type tng_append_event as (
  stream int, event_id uuid, type text, schema_version int, head text, tail text);
create type tng_append_idempotency as (
  scope text, key text, request_hash text, response_status int, response_body text);
create type tng_append_claim as (scope text, value text, owner_id text);
create type tng_append_credential as (user_id text, password_hash text);
create type tng_append as (
  streams tng_append_stream[],
  events tng_append_event[],
  idempotency tng_append_idempotency, -- null: the request stores no response
  claims tng_append_claim[],
  credentials tng_append_credential[]
);

-- An event numbered and chained onto its stream, ready to insert; `request` is its append's
-- index in the batch, to give each append the position of its last event.
create type tng_chained_event as (
  request int, stream_id text, version bigint, event_id uuid, type text, schema_version int,
  canonical text, hash text);

-- Keys and claims are pairs of texts; a length prefix makes a pair one unambiguous text
-- ('ab' + 'c' differs from 'a' + 'bc'), so "taken" is a lookup in one array.
create function tng_pair(p_first text, p_second text) returns text
language sql immutable as $$ select length(p_first) || ':' || p_first || p_second $$;

-- Serializes the writers of each stream, with transaction-scoped advisory locks rather than
-- row locks, because these are taken before the transaction has an id: Postgres assigns one
-- at the first write, and locking a row is a write. So a batch that waits here gets its id
-- only after the holder has committed, and ids (hence readAll's order, by transaction_id
-- first) follow every stream's versions. Under a row lock, a batch could take its id on one
-- stream, wait on another and then write that stream's next version under an id lower than
-- the previous version's, and a subscriber that had applied the later id would skip it. Keys
-- are taken in key order, so two batches wait for each other rather than deadlock; streams
-- sharing a key only serialize. The key space is 0004's, so old and new never overlap.
create function tng_lock_streams(p_stream_ids text[]) returns void
language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('tng_append_batch.streams'), keys.lock_key)
  from (select distinct hashtext(id) as lock_key from unnest(p_stream_ids) as id) as keys
  order by keys.lock_key;
end;
$$;

-- Each stream's head, read after the locks (a new statement, so a new snapshot), so it
-- cannot change before this transaction commits: versions are checked against it and
-- hashes chain onto it. A missing stream is at version 0 with the genesis hash.
create function tng_read_heads(
  p_stream_ids text[],
  out versions bigint[], out hashes text[], out existed boolean[]
)
language plpgsql stable as $$
begin
  select coalesce(array_agg(coalesce(s.version, 0) order by d.ord), '{}'),
    coalesce(array_agg(coalesce(s.last_hash, repeat('0', 64)) order by d.ord), '{}'),
    coalesce(array_agg(s.stream_id is not null order by d.ord), '{}')
  into versions, hashes, existed
  from unnest(p_stream_ids) with ordinality as d(stream_id, ord)
  left join streams s on s.stream_id = d.stream_id;
end;
$$;

-- What already exists among the batch's event ids, keys and claims, looked up once for all
-- requests (the decisions then add what earlier requests of the batch write). Lookups sit
-- in the select list, so each is an index probe whatever the tables' size. Every step is
-- PL/pgSQL, not SQL, because PL/pgSQL keeps its plans for the session: a SQL function is
-- planned again at every call, once per batch, which costs more than it runs.
create function tng_stored_event_ids(p_event_ids uuid[]) returns uuid[]
language plpgsql stable as $$
begin
  return array(select e.event_id from events e where e.event_id = any(p_event_ids));
end;
$$;

create function tng_taken_keys(p_records tng_append_idempotency[]) returns text[]
language plpgsql stable as $$
begin
  return array(
    select tng_pair(r.scope, r.key) from unnest(p_records) as r
    where (select true from idempotency_keys k where k.scope = r.scope and k.key = r.key));
end;
$$;

-- Per claim, its owner now (null: free).
create function tng_claim_holders(p_claims tng_append_claim[]) returns text[]
language plpgsql stable as $$
begin
  return array(
    select (select held.owner_id from unique_claims held
            where held.scope = c.scope and held.value = c.value)
    from unnest(p_claims) with ordinality as c order by c.ordinality);
end;
$$;

-- The checks of one request, on the batch's state in memory: loops over a few elements, no
-- query, since they run once per request. Each gives 1-based indexes of culprits among the
-- request's streams, events or claims.

-- The request's events whose ids are stored (all of them: a retry of a stored append).
create function tng_known_events(p_events tng_append_event[], p_known uuid[]) returns int[]
language plpgsql immutable as $$
declare
  known int[] := '{}';
begin
  if cardinality(p_known) > 0 then
    for e in 1 .. coalesce(cardinality(p_events), 0) loop
      if (p_events[e]).event_id = any(p_known) then
        known := known || e;
      end if;
    end loop;
  end if;
  return known;
end;
$$;

-- The first stream whose expectation its head (`p_versions`, per stream) does not meet.
create function tng_stale_stream(p_streams tng_append_stream[], p_versions bigint[])
returns int
language plpgsql immutable as $$
begin
  for i in 1 .. coalesce(cardinality(p_streams), 0) loop
    if (p_streams[i]).expected <> -1 and (p_streams[i]).expected <> p_versions[i] then
      return i;
    end if;
  end loop;
  return null;
end;
$$;

-- The first claim owned by another; a claim made again by its owner is a retried
-- registration, not a conflict. Owners are looked up by pair among those known.
create function tng_taken_claim(p_claims tng_append_claim[], p_pairs text[], p_owners text[])
returns int
language plpgsql immutable as $$
declare
  holder text;
begin
  for c in 1 .. coalesce(cardinality(p_claims), 0) loop
    holder := p_owners[array_position(p_pairs, tng_pair((p_claims[c]).scope, (p_claims[c]).value))];
    if holder <> (p_claims[c]).owner_id then
      return c;
    end if;
  end loop;
  return null;
end;
$$;

-- The writes, once per batch. Events in batch order, so global positions follow it; data and
-- metadata come out of the hashed JSON, so what is stored is what was hashed. Returns the
-- position of each request's last event (null: none written).
create function tng_insert_events(p_events tng_chained_event[], p_request_count int)
returns bigint[]
language plpgsql as $$
declare
  positions bigint[];
begin
  with inserted as (
    insert into events
      (stream_id, stream_version, event_id, type, schema_version, data, metadata, hash)
    select e.stream_id, e.version, e.event_id, e.type, e.schema_version,
      e.canonical::jsonb -> 'data', e.canonical::jsonb -> 'metadata', e.hash
    from unnest(p_events) with ordinality as e
    order by e.ordinality
    returning event_id, global_position
  ), per_request as (
    select e.request, max(i.global_position) as position
    from inserted i join unnest(p_events) as e on e.event_id = i.event_id
    group by e.request
  )
  select array_agg(p.position order by n.request) into positions
  from generate_series(1, p_request_count) as n(request)
  left join per_request p on p.request = n.request;
  return positions;
end;
$$;

-- Plain inserts throughout, never upserts, except for credentials: a writer that skipped
-- the stream locks (or a claim racing from another process) makes a unique constraint
-- raise, and the caller's retry alone sees its rows. Rows go in one order for every writer,
-- so two batches cannot deadlock on them.
create function tng_write_heads(
  p_stream_ids text[], p_versions bigint[], p_hashes text[], p_existed boolean[],
  p_moved boolean[]
) returns void
language plpgsql as $$
begin
  insert into streams (stream_id, version, last_hash)
  select h.id, h.version, h.hash
  from unnest(p_stream_ids, p_versions, p_hashes, p_existed, p_moved)
    as h(id, version, hash, existed, moved)
  where h.moved and not h.existed
  order by h.id collate "C";
  update streams s set version = h.version, last_hash = h.hash
  from unnest(p_stream_ids, p_versions, p_hashes, p_existed, p_moved)
    as h(id, version, hash, existed, moved)
  where h.moved and h.existed and s.stream_id = h.id;
end;
$$;

create function tng_store_idempotency(p_records tng_append_idempotency[]) returns void
language plpgsql as $$
begin
  insert into idempotency_keys (scope, key, request_hash, response_status, response_body)
  select r.scope, r.key, r.request_hash, r.response_status, r.response_body
  from unnest(p_records) as r
  order by r.scope collate "C", r.key collate "C";
end;
$$;

create function tng_claim_uniques(p_claims tng_append_claim[]) returns void
language plpgsql as $$
begin
  insert into unique_claims (scope, value, owner_id)
  select c.scope, c.value, c.owner_id from unnest(p_claims) as c
  order by c.scope collate "C", c.value collate "C";
end;
$$;

-- Password hashes, out of the event log (0006_credentials.sql). The newest replaces: within
-- the batch the last request's, as if the requests had committed one by one.
create function tng_write_credentials(p_credentials tng_append_credential[]) returns void
language plpgsql as $$
begin
  insert into credentials (user_id, password_hash, updated_at)
  select distinct on (c.user_id) c.user_id, c.password_hash, now()
  from unnest(p_credentials) with ordinality as c
  order by c.user_id, c.ordinality desc
  on conflict (user_id) do update
    set password_hash = excluded.password_hash, updated_at = excluded.updated_at;
end;
$$;

-- Down Migration
drop function tng_write_credentials(tng_append_credential[]);
drop function tng_claim_uniques(tng_append_claim[]);
drop function tng_store_idempotency(tng_append_idempotency[]);
drop function tng_write_heads(text[], bigint[], text[], boolean[], boolean[]);
drop function tng_insert_events(tng_chained_event[], int);
drop function tng_taken_claim(tng_append_claim[], text[], text[]);
drop function tng_stale_stream(tng_append_stream[], bigint[]);
drop function tng_known_events(tng_append_event[], uuid[]);
drop function tng_claim_holders(tng_append_claim[]);
drop function tng_taken_keys(tng_append_idempotency[]);
drop function tng_stored_event_ids(uuid[]);
drop function tng_read_heads(text[]);
drop function tng_lock_streams(text[]);
drop function tng_pair(text, text);
drop type tng_chained_event;
drop type tng_append;
drop type tng_append_credential;
drop type tng_append_claim;
drop type tng_append_idempotency;
drop type tng_append_event;
drop type tng_append_stream;
