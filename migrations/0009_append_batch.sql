-- Up Migration
-- The batch append of 0004_append_function.sql as named steps, second half: the decision of
-- one request and tng_append_batch, which runs the steps of 0008_append_steps.sql. What
-- stays: one call appends a batch of independent requests in one statement, so a batch
-- costs one round trip and one commit (group commit, docs/architecture.md "The event
-- store"; the caller is shared/adapters/event-store/postgres.append-batch.ts). Each request
-- is all or nothing and gets its own outcome: an expected rejection is returned, not raised,
-- so the others commit. Requests are decided in order and each sees what the earlier ones
-- wrote. What cannot be checked (another process's racing write, a deadlock, a bug) raises,
-- and the caller retries each request alone. What changes: one jsonb array of typed records
-- instead of 21 parallel arrays, and credentials are written here too, so an append that
-- carries them is one statement like any other and may share a batch.

drop function tng_append_batch(int[], int[], int[], text[], text[], text[], int[], text[],
  int[], bigint[], text[], int[], uuid[], text[], int[], text[], text[], text[], text[],
  text[], boolean);

-- What one request came to (tng_append_batch adds its last position and transaction id):
--   outcome: written | stored | idempotency | version | duplicate-event | claim
--   next_versions: written, stored: each stream's version after the request, in sent order
--   item: version, duplicate-event, claim: the 1-based index of the stale stream, stored
--     event or taken claim among the request's
--   actual_version: version: the version the stale stream had
create type tng_append_outcome as (
  outcome text, next_versions bigint[], item int, actual_version bigint);

-- The order of EventStore.append (shared/ports/event-store.port.ts), whose comment says
-- why: a taken key first (the request was answered before: the caller replays that answer),
-- then every event stored (a retry of a stored append succeeds without writing), a stale
-- version, some events stored, a claim owned by another. 'written' means every check passed.
-- `p_versions` holds the request's streams' versions now; the other arrays what is known
-- taken, stored before the batch or written by its earlier requests.
create function tng_decide(
  p_append tng_append, p_versions bigint[], p_key text, p_taken_keys text[],
  p_known_ids uuid[], p_claim_pairs text[], p_claim_owners text[]
) returns tng_append_outcome
language plpgsql immutable as $$
declare
  stored constant int[] := tng_known_events(p_append.events, p_known_ids);
  culprit int;
begin
  if p_key = any(p_taken_keys) then
    return ('idempotency', null, null, null)::tng_append_outcome;
  end if;
  if cardinality(stored) > 0 and cardinality(stored) = cardinality(p_append.events) then
    return ('stored', p_versions, null, null)::tng_append_outcome;
  end if;
  culprit := tng_stale_stream(p_append.streams, p_versions);
  if culprit is not null then
    return ('version', null, culprit, p_versions[culprit])::tng_append_outcome;
  end if;
  if cardinality(stored) > 0 then
    return ('duplicate-event', null, stored[1], null)::tng_append_outcome;
  end if;
  if cardinality(p_append.claims) > 0 then
    culprit := tng_taken_claim(p_append.claims, p_claim_pairs, p_claim_owners);
    if culprit is not null then
      return ('claim', null, culprit, null)::tng_append_outcome;
    end if;
  end if;
  return ('written', null, null, null)::tng_append_outcome;
end;
$$;

-- Reads what the batch's requests need, decides them one by one in memory (a written one
-- numbers and chains its events and leaves its key, ids and claims for the later ones to
-- meet), then writes all that was decided with one statement per table.
create function tng_append_batch(p_appends jsonb, p_notify boolean)
returns table (
  outcome text, next_versions bigint[], item int, actual_version bigint,
  last_position bigint, -- written: global_position of its last event (null: no events)
  xact_id xid8          -- written with events: this transaction's id
)
language plpgsql as $$
declare
  appends constant tng_append[] := array(
    select row(a.streams, a.events, a.idempotency, a.claims, a.credentials)::tng_append
    from jsonb_populate_recordset(null::tng_append, p_appends) with ordinality as a
    order by a.ordinality);
  request_count constant int := coalesce(cardinality(appends), 0);
  -- The batch's streams, once each, in one order for every writer (heads are written in
  -- it, so two batches cannot deadlock on them).
  stream_ids constant text[] := array(
    select s.stream_id from unnest(appends) as a, unnest(a.streams) as s
    group by s.stream_id order by s.stream_id collate "C");
  -- Every claim of the batch, in any order: they are found by pair.
  all_claims constant tng_append_claim[] := array(
    select row(c.scope, c.value, c.owner_id)::tng_append_claim
    from unnest(appends) as a, unnest(a.claims) as c);
  -- The batch's state: heads per stream (aligned with stream_ids), known ids, keys, claims.
  versions bigint[];
  hashes text[];
  existed boolean[];
  moved boolean[] := array_fill(false, array[cardinality(stream_ids)]);
  known_ids uuid[];
  taken_keys text[];
  claim_pairs text[];
  claim_owners text[];
  -- What is decided and written.
  decisions tng_append_outcome[] := '{}';
  chained tng_chained_event[] := '{}';
  records tng_append_idempotency[] := '{}';
  new_claims tng_append_claim[] := '{}';
  new_credentials tng_append_credential[] := '{}';
  positions bigint[];
  current_xact xid8;
  -- The request being decided.
  one tng_append;
  slots int[];
  mine bigint[];
  key text;
  decided tng_append_outcome;
  slot int;
  canonical text;
begin
  perform tng_lock_streams(stream_ids);
  select h.versions, h.hashes, h.existed into versions, hashes, existed
  from tng_read_heads(stream_ids) as h;
  known_ids := tng_stored_event_ids(array(
    select e.event_id from unnest(appends) as a, unnest(a.events) as e));
  taken_keys := tng_taken_keys(array(select a.idempotency from unnest(appends) as a
    where (a.idempotency).scope is not null));
  claim_pairs := '{}';
  claim_owners := '{}';
  if cardinality(all_claims) > 0 then
    claim_pairs := array(select tng_pair(c.scope, c.value) from unnest(all_claims) as c);
    claim_owners := tng_claim_holders(all_claims);
  end if;

  for request in 1 .. request_count loop
    one := appends[request];
    slots := array(select array_position(stream_ids, s.stream_id)
      from unnest(one.streams) with ordinality as s order by s.ordinality);
    mine := array(select versions[slot_index] from unnest(slots) as slot_index);
    key := tng_pair((one.idempotency).scope, (one.idempotency).key);
    decided := tng_decide(one, mine, key, taken_keys, known_ids, claim_pairs, claim_owners);
    if decided.outcome = 'written' then
      for e in 1 .. coalesce(cardinality(one.events), 0) loop
        slot := slots[(one.events[e]).stream];
        versions[slot] := versions[slot] + 1;
        canonical := (one.events[e]).head || versions[slot]::text || (one.events[e]).tail;
        -- event-hash.ts's link: sha256 over the previous hex hash, then the canonical JSON
        -- with this version's digits in place, as UTF-8 bytes.
        hashes[slot] := encode(sha256(convert_to(hashes[slot] || canonical, 'UTF8')), 'hex');
        moved[slot] := true;
        chained := chained || row(request, stream_ids[slot], versions[slot],
          (one.events[e]).event_id, (one.events[e]).type, (one.events[e]).schema_version,
          canonical, hashes[slot])::tng_chained_event;
        known_ids := known_ids || (one.events[e]).event_id;
      end loop;
      if key is not null then
        taken_keys := taken_keys || key;
        records := records || one.idempotency;
      end if;
      -- A claim its owner already holds is kept as it is; only a free one is written.
      for c in 1 .. coalesce(cardinality(one.claims), 0) loop
        slot := array_position(claim_pairs, tng_pair((one.claims[c]).scope, (one.claims[c]).value));
        if claim_owners[slot] is null then
          claim_owners[slot] := (one.claims[c]).owner_id;
          new_claims := new_claims || one.claims[c];
        end if;
      end loop;
      new_credentials := new_credentials || coalesce(one.credentials, '{}');
      decided.next_versions := array(select versions[slot_index] from unnest(slots) as slot_index);
    end if;
    decisions := decisions || decided;
  end loop;

  if cardinality(chained) > 0 then
    perform tng_write_heads(stream_ids, versions, hashes, existed, moved);
    positions := tng_insert_events(chained, request_count);
    current_xact := pg_current_xact_id();
  end if;
  if cardinality(records) > 0 then
    perform tng_store_idempotency(records);
  end if;
  if cardinality(new_claims) > 0 then
    perform tng_claim_uniques(new_claims);
  end if;
  if cardinality(new_credentials) > 0 then
    perform tng_write_credentials(new_credentials);
  end if;
  if p_notify and cardinality(chained) > 0 then
    perform pg_notify('tng_events', ''); -- Delivered at commit, once per batch.
  end if;

  for request in 1 .. request_count loop
    outcome := (decisions[request]).outcome;
    next_versions := (decisions[request]).next_versions;
    item := (decisions[request]).item;
    actual_version := (decisions[request]).actual_version;
    last_position := positions[request];
    xact_id := case when last_position is not null then current_xact end;
    return next;
  end loop;
end;
$$;

-- Execute is granted to PUBLIC by default; tng_app is named as 0004 did, for databases that
-- revoke it. The steps run as the caller, so it needs them all.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'tng_app') then
    grant execute on function tng_append_batch(jsonb, boolean),
      tng_decide(tng_append, bigint[], text, text[], uuid[], text[], text[]),
      tng_pair(text, text), tng_lock_streams(text[]), tng_read_heads(text[]),
      tng_stored_event_ids(uuid[]), tng_taken_keys(tng_append_idempotency[]),
      tng_claim_holders(tng_append_claim[]), tng_known_events(tng_append_event[], uuid[]),
      tng_stale_stream(tng_append_stream[], bigint[]),
      tng_taken_claim(tng_append_claim[], text[], text[]),
      tng_insert_events(tng_chained_event[], int),
      tng_write_heads(text[], bigint[], text[], boolean[], boolean[]),
      tng_store_idempotency(tng_append_idempotency[]), tng_claim_uniques(tng_append_claim[]),
      tng_write_credentials(tng_append_credential[])
    to tng_app;
  end if;
end;
$$;

-- Down Migration
-- Not reversible in place: 0004's function would have to be created again from its text.
-- To go below 0009, restore a backup taken before it.
do $$
begin
  raise exception '0009_append_batch cannot be undone: restore a backup taken before it';
end;
$$;
