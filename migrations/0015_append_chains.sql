-- Up Migration
-- Chained appends (EventStore.append's `after`, shared/ports/event-store.port.ts): a request
-- of a batch may name earlier requests of the same batch it was decided after
-- (`predecessors`, 1-based, laid out by postgres.append-batch.params.ts). It is refused as a
-- stale version, unwritten, unless each of them was written or found stored: its decision
-- assumed their events, and another writer may have moved its streams by the same count, in
-- which case its own version check would pass on a state it never saw. The group-commit
-- queue (group-commit.ts) does the same for predecessors in earlier batches. Otherwise
-- tng_append_batch is 0009's, unchanged.

alter type tng_append add attribute predecessors int[];

create or replace function tng_append_batch(p_appends jsonb, p_notify boolean)
returns table (
  outcome text, next_versions bigint[], item int, actual_version bigint,
  last_position bigint, -- written: global_position of its last event (null: no events)
  xact_id xid8          -- written with events: this transaction's id
)
language plpgsql as $$
declare
  appends constant tng_append[] := array(
    select row(a.streams, a.events, a.idempotency, a.claims, a.credentials,
      a.predecessors)::tng_append
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
    if exists (select 1 from unnest(one.predecessors) as p(index)
               where (decisions[p.index]).outcome not in ('written', 'stored')) then
      -- Decided after an earlier request of this batch that did not succeed: on a state
      -- that never came to be, whatever the versions say now. Refused as a stale version.
      decided := ('version', null, 1, mine[1])::tng_append_outcome;
    else
      decided := tng_decide(one, mine, key, taken_keys, known_ids, claim_pairs, claim_owners);
    end if;
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

-- Down Migration
-- 0009's function reads the type's first five attributes by name, so it would still work
-- with the attribute in place; the attribute is dropped and the function made again as
-- 0009 has it by restoring a backup, as for 0009 itself.
do $$
begin
  raise exception '0015_append_chains cannot be undone: restore a backup taken before it';
end;
$$;
