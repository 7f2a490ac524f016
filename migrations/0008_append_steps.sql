-- Up Migration
-- The batch append of 0004_append_function.sql, rewritten as named steps. What stays: one
-- call appends a batch of independent append requests in one statement, so a batch costs one
-- round trip and one commit (group commit, docs/architecture.md "The event store"; the caller
-- is shared/adapters/event-store/postgres.append-batch.ts); each request is all or nothing and
-- gets its own outcome; an expected rejection is returned, not raised, so the others commit;
-- what cannot be checked (another process's racing write, a deadlock, a bug) raises, and the
-- caller retries each request alone. What changes:
-- - the batch is one jsonb array, an element per append, read into the typed records below
--   instead of 21 parallel arrays;
-- - each request is decided and written by small functions, one step each, in the order
--   EventStore.append documents (shared/ports/event-store.port.ts): a taken idempotency key
--   first, then a request whose events are all stored, a stale version, some events stored,
--   a claim owned by another. Each request's statements see what the earlier requests of the
--   batch wrote, so twins in one batch meet that order without bookkeeping of our own;
-- - credentials are written here too, so an append that carries them is one statement like
--   any other, and may share a batch.

drop function tng_append_batch(int[], int[], int[], text[], text[], text[], int[], text[],
  int[], bigint[], text[], int[], uuid[], text[], int[], text[], text[], text[], text[],
  text[], boolean);

-- One append as the adapter sends it (postgres.append-batch.params.ts builds the JSON with
-- these field names). Within a request, streams come in code-unit order of their ids: the
-- first stale one is the one a VersionConflict names. `expected`: -1 any, 0 no stream (or
-- version 0), n exactly n. An event's `stream` is the 1-based index of its stream in
-- `streams`; `head` and `tail` are its canonical JSON before and after the version's digits
-- (event-hash.ts), since the version is assigned here and is part of what is hashed.
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

-- A request's streams as it found them: what versions are checked against and hashes chain
-- onto. A missing stream is at version 0 with the genesis hash.
create type tng_stream_head as (stream_id text, version bigint, last_hash text, existed boolean);

-- What one request came to; tng_append_batch returns it with the transaction id.
--   outcome: written | stored | idempotency | version | duplicate-event | claim
--   next_versions: written, stored: each stream's version after the request, in sent order
--   item: version, duplicate-event, claim: the 1-based index of the stale stream, stored
--     event or taken claim among the request's
--   actual_version: version: the version the stale stream had
--   last_position: written: global_position of its last event (null: it had none)
create type tng_append_outcome as (
  outcome text, next_versions bigint[], item int, actual_version bigint, last_position bigint);

-- Serializes the writers of each stream, with transaction-scoped advisory locks rather than
-- row locks, because these are taken before the transaction has an id: Postgres assigns one
-- at the first write, and locking a row is a write. So a batch that waits here gets its id
-- only after the holder has committed, and ids (hence readAll's order, by transaction_id
-- first) follow every stream's versions. Under a row lock, a batch could take its id on one
-- stream, wait on another and then write that stream's next version under an id lower than
-- the previous version's, and a subscriber that had applied the later id would skip it. Keys
-- are taken in key order, so two batches wait for each other rather than deadlock; streams
-- sharing a key only serialize. The key space is 0004's, so the two never overlap unlocked.
create function tng_lock_streams(p_stream_ids text[]) returns void
language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('tng_append_batch.streams'), keys.lock_key)
  from (select distinct hashtext(id) as lock_key from unnest(p_stream_ids) as id) as keys
  order by keys.lock_key;
end;
$$;

-- A taken key means the request was answered before (by itself or a twin): it wins over
-- every other check, so a retry finds the stored response instead of its own effects.
create function tng_key_taken(p_record tng_append_idempotency) returns boolean
language plpgsql stable as $$
begin
  return p_record.scope is not null and exists (
    select 1 from idempotency_keys k where k.scope = p_record.scope and k.key = p_record.key);
end;
$$;

-- Read under the stream locks (tng_append_one takes a fresh snapshot per statement), so
-- the heads cannot change before this transaction commits; in the request's stream order.
-- Steps that read look rows up one key at a time, here and below: a lookup by primary key
-- keeps one plan however large the tables grow, where a join of a few keys could be
-- planned as a scan, once per request.
create function tng_read_heads(p_streams tng_append_stream[]) returns tng_stream_head[]
language plpgsql stable as $$
declare
  heads tng_stream_head[] := '{}';
  head tng_stream_head;
begin
  for i in 1 .. coalesce(cardinality(p_streams), 0) loop
    head := null;
    select h.stream_id, h.version, h.last_hash, true into head
    from streams h where h.stream_id = (p_streams[i]).stream_id;
    if head.stream_id is null then
      head := row((p_streams[i]).stream_id, 0, repeat('0', 64), false);
    end if;
    heads[i] := head;
  end loop;
  return heads;
end;
$$;

-- The 1-based indexes of the request's events whose ids are already stored: all of them is
-- a retry of a stored append (a success that writes nothing), some is a DuplicateEvent.
create function tng_stored_events(p_events tng_append_event[]) returns int[]
language plpgsql stable as $$
declare
  ids constant uuid[] := array(select e.event_id from unnest(p_events) as e);
  found uuid[];
begin
  found := array(select stored.event_id from events stored where stored.event_id = any(ids));
  if cardinality(found) = 0 then
    return '{}'; -- The usual case: new events.
  end if;
  return array(select i from generate_subscripts(ids, 1) as i where ids[i] = any(found)
    order by i);
end;
$$;

-- The first stream (in the order sent) whose expected version the head does not meet.
create function tng_stale_stream(p_streams tng_append_stream[], p_heads tng_stream_head[])
returns int
language plpgsql immutable as $$
begin
  for i in 1 .. coalesce(cardinality(p_streams), 0) loop
    if (p_streams[i]).expected <> -1 and (p_streams[i]).expected <> (p_heads[i]).version then
      return i;
    end if;
  end loop;
  return null;
end;
$$;

-- The first claim owned by someone else; a claim made again by its owner is no conflict (a
-- retried registration).
create function tng_taken_claim(p_claims tng_append_claim[]) returns int
language plpgsql stable as $$
declare
  holder text;
begin
  for i in 1 .. coalesce(cardinality(p_claims), 0) loop
    select held.owner_id into holder from unique_claims held
    where held.scope = (p_claims[i]).scope and held.value = (p_claims[i]).value;
    if holder <> (p_claims[i]).owner_id then
      return i;
    end if;
  end loop;
  return null;
end;
$$;

-- Numbers and chains the events onto their streams, inserts them in request order (so
-- global positions follow it) and moves the heads. The hash is event-hash.ts's: sha256 over
-- the previous hex hash, then the canonical JSON with this version's digits in place, as
-- UTF-8 bytes. Data and metadata are stored out of that same JSON, so what is stored is what
-- was hashed. Plain inserts, no upserts: a writer that skipped the stream locks makes a
-- unique constraint raise, and the retry alone sees its rows.
create function tng_write_events(
  p_heads tng_stream_head[],
  p_events tng_append_event[],
  out next_versions bigint[],
  out last_position bigint
)
language plpgsql as $$
declare
  event_count constant int := coalesce(cardinality(p_events), 0);
  versions bigint[] := array(select h.version from unnest(p_heads) as h);
  hashes text[] := array(select h.last_hash from unnest(p_heads) as h);
  event_versions bigint[] := array_fill(null::bigint, array[event_count]);
  event_hashes text[] := array_fill(null::text, array[event_count]);
  canonicals text[] := array_fill(null::text, array[event_count]);
  s int;
begin
  for e in 1 .. event_count loop
    s := (p_events[e]).stream;
    versions[s] := versions[s] + 1;
    canonicals[e] := (p_events[e]).head || versions[s]::text || (p_events[e]).tail;
    hashes[s] := encode(sha256(convert_to(hashes[s] || canonicals[e], 'UTF8')), 'hex');
    event_versions[e] := versions[s];
    event_hashes[e] := hashes[s];
  end loop;

  next_versions := versions;
  if event_count = 0 then
    return; -- Only version checks: nothing moves.
  end if;
  with inserted as (
    insert into events
      (stream_id, stream_version, event_id, type, schema_version, data, metadata, hash)
    select (p_heads[ev.stream]).stream_id, event_versions[ev.ordinality::int], ev.event_id, ev.type,
      ev.schema_version, canonicals[ev.ordinality::int]::jsonb -> 'data',
      canonicals[ev.ordinality::int]::jsonb -> 'metadata', event_hashes[ev.ordinality::int]
    from unnest(p_events) with ordinality as ev
    order by ev.ordinality
    returning global_position
  )
  select max(global_position) into last_position from inserted;

  -- Heads in the order sent (stream id order), the order every writer takes, so two cannot
  -- deadlock on them; only those that moved (a stream may be a version check alone).
  for i in 1 .. cardinality(p_heads) loop
    if versions[i] = (p_heads[i]).version then
      continue;
    elsif (p_heads[i]).existed then
      update streams set version = versions[i], last_hash = hashes[i]
      where stream_id = (p_heads[i]).stream_id;
    else
      insert into streams (stream_id, version, last_hash)
      values ((p_heads[i]).stream_id, versions[i], hashes[i]);
    end if;
  end loop;
end;
$$;

-- The response, stored in the same transaction as its effect.
create function tng_store_idempotency(p_record tng_append_idempotency) returns void
language plpgsql as $$
begin
  if p_record.scope is not null then
    insert into idempotency_keys (scope, key, request_hash, response_status, response_body)
    values (p_record.scope, p_record.key, p_record.request_hash, p_record.response_status,
      p_record.response_body);
  end if;
end;
$$;

-- Only free claims are written; one its owner holds is kept as it is. A plain insert: a
-- racing claim from another process raises instead of being taken twice.
create function tng_claim_uniques(p_claims tng_append_claim[]) returns void
language plpgsql as $$
begin
  insert into unique_claims (scope, value, owner_id)
  select c.scope, c.value, c.owner_id
  from unnest(p_claims) as c
  where not exists (
    select 1 from unique_claims held where held.scope = c.scope and held.value = c.value)
  order by c.scope collate "C", c.value collate "C";
end;
$$;

-- Password hashes, kept out of the event log (0006_credentials.sql); the newest replaces.
create function tng_write_credentials(p_credentials tng_append_credential[]) returns void
language plpgsql as $$
begin
  insert into credentials (user_id, password_hash, updated_at)
  select c.user_id, c.password_hash, now()
  from unnest(p_credentials) as c
  on conflict (user_id) do update
    set password_hash = excluded.password_hash, updated_at = excluded.updated_at;
end;
$$;

-- One request: checked in the port's order, the first failing check decides and nothing is
-- written; else everything is written. Its streams are locked already.
create function tng_append_one(p_append tng_append) returns tng_append_outcome
language plpgsql as $$
declare
  heads tng_stream_head[];
  stored int[];
  culprit int;
  written record;
begin
  if tng_key_taken(p_append.idempotency) then
    return ('idempotency', null, null, null, null)::tng_append_outcome;
  end if;
  heads := tng_read_heads(p_append.streams);
  stored := tng_stored_events(p_append.events);
  if cardinality(stored) > 0 and cardinality(stored) = cardinality(p_append.events) then
    return ('stored', array(select h.version from unnest(heads) as h), null, null, null)
      ::tng_append_outcome;
  end if;
  culprit := tng_stale_stream(p_append.streams, heads);
  if culprit is not null then
    return ('version', null, culprit, (heads[culprit]).version, null)::tng_append_outcome;
  end if;
  if cardinality(stored) > 0 then
    return ('duplicate-event', null, stored[1], null, null)::tng_append_outcome;
  end if;
  culprit := case when cardinality(p_append.claims) > 0
    then tng_taken_claim(p_append.claims) end;
  if culprit is not null then
    return ('claim', null, culprit, null, null)::tng_append_outcome;
  end if;

  select * into written from tng_write_events(heads, p_append.events);
  perform tng_store_idempotency(p_append.idempotency);
  if cardinality(p_append.claims) > 0 then
    perform tng_claim_uniques(p_append.claims);
  end if;
  if cardinality(p_append.credentials) > 0 then
    perform tng_write_credentials(p_append.credentials);
  end if;
  return ('written', written.next_versions, null, null, written.last_position)
    ::tng_append_outcome;
end;
$$;

-- The batch: lock every stream it touches, then decide and write its requests in order.
-- xact_id is this transaction's id for a request that wrote events (its position's first
-- half); subscribers are notified once, delivered at commit, if any event was written.
create function tng_append_batch(p_appends jsonb, p_notify boolean)
returns table (
  outcome text,
  next_versions bigint[],
  item int,
  actual_version bigint,
  last_position bigint,
  xact_id xid8
)
language plpgsql as $$
declare
  appends tng_append[] := array(
    select row(a.streams, a.events, a.idempotency, a.claims, a.credentials)::tng_append
    from jsonb_populate_recordset(null::tng_append, p_appends) with ordinality as a
    order by a.ordinality);
  decided tng_append_outcome;
  wrote boolean := false;
begin
  perform tng_lock_streams(array(
    select s.stream_id from unnest(appends) as a, unnest(a.streams) as s));
  for request in 1 .. coalesce(cardinality(appends), 0) loop
    decided := tng_append_one(appends[request]);
    outcome := decided.outcome;
    next_versions := decided.next_versions;
    item := decided.item;
    actual_version := decided.actual_version;
    last_position := decided.last_position;
    xact_id := case when last_position is not null then pg_current_xact_id() end;
    wrote := wrote or last_position is not null;
    return next;
  end loop;
  if p_notify and wrote then
    perform pg_notify('tng_events', '');
  end if;
end;
$$;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'tng_app') then
    grant execute on function tng_append_batch(jsonb, boolean), tng_append_one(tng_append),
      tng_lock_streams(text[]), tng_key_taken(tng_append_idempotency),
      tng_read_heads(tng_append_stream[]), tng_stored_events(tng_append_event[]),
      tng_stale_stream(tng_append_stream[], tng_stream_head[]),
      tng_taken_claim(tng_append_claim[]), tng_write_events(tng_stream_head[], tng_append_event[]),
      tng_store_idempotency(tng_append_idempotency), tng_claim_uniques(tng_append_claim[]),
      tng_write_credentials(tng_append_credential[])
    to tng_app;
  end if;
end;
$$;

-- Down Migration
-- Not reversible in place: 0004's function would have to be created again from its text.
-- To go below 0008, restore a backup taken before it, or run 0004's Up section by hand
-- after this one's statements below.
drop function tng_append_batch(jsonb, boolean);
drop function tng_append_one(tng_append);
drop function tng_lock_streams(text[]);
drop function tng_key_taken(tng_append_idempotency);
drop function tng_read_heads(tng_append_stream[]);
drop function tng_stored_events(tng_append_event[]);
drop function tng_stale_stream(tng_append_stream[], tng_stream_head[]);
drop function tng_taken_claim(tng_append_claim[]);
drop function tng_write_events(tng_stream_head[], tng_append_event[]);
drop function tng_store_idempotency(tng_append_idempotency);
drop function tng_claim_uniques(tng_append_claim[]);
drop function tng_write_credentials(tng_append_credential[]);
drop type tng_append_outcome;
drop type tng_stream_head;
drop type tng_append;
drop type tng_append_credential;
drop type tng_append_claim;
drop type tng_append_idempotency;
drop type tng_append_event;
drop type tng_append_stream;
