-- Up Migration
-- Group commit for the event store (docs/architecture.md "The event store", group commit; the caller is
-- shared/adapters/event-store/postgres.append-batch.ts). One call appends a batch of
-- independent append requests, so a batch costs one round trip and, run as a statement of
-- its own, one commit: one WAL flush for all of its requests.
--
-- Each request stays all or nothing, as EventStore.append promises, but requests do not
-- share a fate: an expected rejection (stale version, duplicate event, taken idempotency key
-- or claim) is returned as that request's outcome instead of raised, so the others commit.
-- Requests are decided in order and each sees what the earlier ones wrote: a second debit of
-- one wallet in a batch meets the version the first one left.
--
-- Raising is kept for what the checks cannot see coming, all rare: a unique violation from
-- another process's concurrent write, a deadlock with another process, a bug. The batch then
-- rolls back as a whole and the caller retries each of its requests alone.
--
-- Hash chain (shared/adapters/event-store/event-hash.ts): an event's hash is the hex SHA-256
-- of the previous hash of its stream (hex text) followed by the event's canonical JSON. The
-- stream version inside that JSON is assigned here, so the caller sends the canonical JSON
-- in two parts, before and after the version's decimal digits. The event's data and
-- metadata are stored from that same JSON, so what is stored is what was hashed, and each
-- payload crosses the wire once. sha256(bytea) is built in since Postgres 11: no extension.

create function tng_append_batch(
  -- One entry per request.
  p_request_stream_counts int[],
  p_request_event_counts int[],
  p_request_claim_counts int[],
  p_idempotency_scopes text[],         -- null where the request stores no record
  p_idempotency_keys text[],
  p_idempotency_request_hashes text[],
  p_idempotency_statuses int[],
  p_idempotency_bodies text[],
  -- One entry per stream of each request, request after request; within a request, in the
  -- order in which version conflicts are reported (the first stale one wins).
  p_stream_slots int[],                -- the stream's index in p_batch_stream_ids
  p_stream_expected bigint[],          -- -1: any; 0: no stream (or version 0); n: exactly n
  -- Every stream of the batch, once.
  p_batch_stream_ids text[],
  -- One entry per event, request after request, each request's events in its order.
  p_event_streams int[],               -- the index of the event's entry in p_stream_slots
  p_event_ids uuid[],
  p_event_types text[],
  p_event_schema_versions int[],
  p_event_canonical_heads text[],      -- canonical JSON before the version's digits
  p_event_canonical_tails text[],      -- and after them
  -- One entry per unique claim, request after request.
  p_claim_scopes text[],
  p_claim_values text[],
  p_claim_owners text[],
  -- NOTIFY subscribers in this transaction (delivered at commit) if any event is written.
  p_notify boolean
) returns table (
  outcome text,           -- written | stored | version | duplicate-event | idempotency | claim
  next_versions bigint[], -- written, stored: each stream's version after the request
  item int,               -- version, duplicate-event, claim: the 1-based index of the culprit
                          -- among the request's streams, events or claims
  actual_version bigint,  -- version: the version the stale stream had
  last_position bigint,   -- written: global_position of its last event (null: no events)
  xact_id xid8            -- written with events: this transaction's id
)
language plpgsql
as $$
declare
  request_count constant int := coalesce(cardinality(p_request_stream_counts), 0);
  event_count constant int := coalesce(cardinality(p_event_ids), 0);
  genesis_hash constant text := repeat('0', 64);
  -- The first key of every stream lock: keeps them apart from other advisory locks.
  stream_lock_space constant int := hashtext('tng_append_batch.streams');
  -- The batch's streams (aligned with p_batch_stream_ids) as the requests so far left them.
  head_versions bigint[];
  head_hashes text[];
  head_found boolean[];      -- its row existed before the batch (else it is inserted)
  head_written boolean[];    -- some request wrote events to it
  -- What existed before the batch, looked up once for all requests.
  event_stored boolean[];    -- per event: its id is already in events
  key_stored boolean[];      -- per request: its idempotency key is already taken
  claim_holders text[];      -- per claim: its owner, null while free
  -- What earlier requests of the batch wrote, for the later ones to see.
  batch_event_ids uuid[] := '{}';
  batch_keys text[] := '{}';
  batch_claims text[] := '{}';
  batch_claim_owners text[] := '{}';
  -- What is written: per event (null version: not written), per request, per claim.
  event_versions bigint[] := array_fill(null::bigint, array[event_count]);
  event_hashes text[] := array_fill(null::text, array[event_count]);
  event_canonicals text[] := array_fill(null::text, array[event_count]);
  event_stream_ids text[] := array_fill(null::text, array[event_count]);
  event_requests int[] := array_fill(null::int, array[event_count]);
  key_written boolean[] := array_fill(false, array[request_count]);
  claim_written boolean[] := array_fill(false, array[coalesce(cardinality(p_claim_scopes), 0)]);
  -- How many rows of each kind are written: a batch skips the statements it does not need,
  -- which matters most for the smallest batches.
  written_count int := 0;
  new_stream_count int := 0;
  key_count int := 0;
  claim_count int := 0;
  -- Each request's outcome; entry_versions is per stream entry.
  outcomes text[] := '{}';
  culprits int[] := '{}';
  actuals bigint[] := '{}';
  entry_versions bigint[] :=
    array_fill(null::bigint, array[coalesce(cardinality(p_stream_slots), 0)]);
  positions bigint[];
  current_xact xid8;
  -- The request being decided: its slices of the entry, event and claim arrays.
  first_stream int := 1;
  first_event int := 1;
  first_claim int := 1;
  last_stream int;
  last_event int;
  last_claim int;
  decided text;
  culprit int;
  met bigint;
  stored_count int;
  first_stored int;
  slot int;
  holder text;
  found_at int;
  key_pair text;
  claim_pair text;
begin
  -- A malformed batch is a bug in the caller; refuse it before anything is written.
  if coalesce(cardinality(p_request_event_counts), 0) <> request_count
     or coalesce(cardinality(p_request_claim_counts), 0) <> request_count
     or coalesce(cardinality(p_idempotency_scopes), 0) <> request_count
     or coalesce(cardinality(p_stream_expected), 0) <> coalesce(cardinality(p_stream_slots), 0)
     or coalesce(cardinality(p_event_canonical_tails), 0) <> event_count
     or coalesce(cardinality(p_claim_owners), 0) <> coalesce(cardinality(p_claim_scopes), 0)
  then
    raise exception 'tng_append_batch: arrays of one kind differ in length'
      using errcode = 'invalid_parameter_value';
  end if;

  -- Serialize the writers of each stream, with transaction-scoped advisory locks rather
  -- than row locks, because these are taken before the transaction has an id: Postgres
  -- assigns one at the first write, and locking a row is a write. So a batch that waits here
  -- for a stream gets its id only after the holder has committed, and ids (hence readAll's
  -- order, by transaction_id first) follow every stream's versions. Under a row lock, a
  -- batch could take its id on one stream, wait on another and then write that stream's
  -- next version under an id lower than the previous version's, and a subscriber that had
  -- applied the later id would skip it. Keys are taken in key order in every batch, so two
  -- batches wait for each other rather than deadlock; streams sharing a key only serialize.
  perform pg_advisory_xact_lock(stream_lock_space, keys.lock_key)
  from (
    select distinct hashtext(wanted.stream_id) as lock_key
    from unnest(p_batch_stream_ids) as wanted(stream_id)
  ) as keys
  order by keys.lock_key;

  -- The heads, read under the locks (each statement takes a fresh snapshot), so they cannot
  -- change before this transaction commits. A missing stream is at version 0.
  select coalesce(array_agg(coalesce(s.version, 0) order by d.slot_index), '{}'),
    coalesce(array_agg(coalesce(s.last_hash, genesis_hash) order by d.slot_index), '{}'),
    coalesce(array_agg(s.stream_id is not null order by d.slot_index), '{}'),
    coalesce(array_agg(false order by d.slot_index), '{}')
  into head_versions, head_hashes, head_found, head_written
  from unnest(p_batch_stream_ids) with ordinality as d(stream_id, slot_index)
  left join streams s on s.stream_id = d.stream_id;

  event_stored := array_fill(false, array[event_count]);
  if event_count > 0 then
    select array_agg(exists (select 1 from events ev where ev.event_id = x.id) order by x.ord)
    into event_stored
    from unnest(p_event_ids) with ordinality as x(id, ord);
  end if;

  key_stored := array_fill(false, array[request_count]);
  if cardinality(array_remove(p_idempotency_scopes, null)) > 0 then
    select array_agg(exists (
        select 1 from idempotency_keys k where k.scope = x.scope and k.key = x.key
      ) order by x.ord)
    into key_stored
    from unnest(p_idempotency_scopes, p_idempotency_keys) with ordinality as x(scope, key, ord);
  end if;

  claim_holders := '{}';
  if cardinality(p_claim_scopes) > 0 then
    select array_agg((
        select uc.owner_id from unique_claims uc where uc.scope = x.scope and uc.value = x.value
      ) order by x.ord)
    into claim_holders
    from unnest(p_claim_scopes, p_claim_values) with ordinality as x(scope, value, ord);
  end if;

  for request in 1 .. request_count loop
    last_stream := first_stream + p_request_stream_counts[request] - 1;
    last_event := first_event + p_request_event_counts[request] - 1;
    last_claim := first_claim + p_request_claim_counts[request] - 1;
    decided := null;
    culprit := null;
    met := null;

    -- Precedence, as EventStore.append documents it: a retry of a stored append (every
    -- event id exists) succeeds without writing; else a stale version; else a mix of stored
    -- and new events; else a taken idempotency key; else a claim owned by another.
    stored_count := 0;
    first_stored := null;
    for e in first_event .. last_event loop
      if event_stored[e] or p_event_ids[e] = any(batch_event_ids) then
        stored_count := stored_count + 1;
        first_stored := coalesce(first_stored, e - first_event + 1);
      end if;
    end loop;
    if stored_count > 0 and stored_count = p_request_event_counts[request] then
      decided := 'stored';
    end if;

    if decided is null then
      for s in first_stream .. last_stream loop
        slot := p_stream_slots[s];
        if p_stream_expected[s] <> -1 and p_stream_expected[s] <> head_versions[slot] then
          decided := 'version';
          culprit := s - first_stream + 1;
          met := head_versions[slot];
          exit;
        end if;
      end loop;
    end if;

    if decided is null and first_stored is not null then
      decided := 'duplicate-event';
      culprit := first_stored;
    end if;

    -- Keys and claims are pairs of texts; a length prefix makes their concatenation
    -- unambiguous ('ab' + 'c' differs from 'a' + 'bc').
    if decided is null and p_idempotency_scopes[request] is not null then
      key_pair := length(p_idempotency_scopes[request]) || ':'
        || p_idempotency_scopes[request] || p_idempotency_keys[request];
      if key_stored[request] or key_pair = any(batch_keys) then
        decided := 'idempotency';
      end if;
    end if;

    if decided is null then
      for c in first_claim .. last_claim loop
        claim_pair := length(p_claim_scopes[c]) || ':' || p_claim_scopes[c] || p_claim_values[c];
        found_at := array_position(batch_claims, claim_pair);
        holder := case when found_at is null then claim_holders[c]
          else batch_claim_owners[found_at] end;
        if holder <> p_claim_owners[c] then
          decided := 'claim';
          culprit := c - first_claim + 1;
          exit;
        end if;
      end loop;
    end if;

    if decided is null then
      decided := 'written';
      for e in first_event .. last_event loop
        slot := p_stream_slots[p_event_streams[e]];
        head_versions[slot] := head_versions[slot] + 1;
        event_canonicals[e] := p_event_canonical_heads[e] || head_versions[slot]::text
          || p_event_canonical_tails[e];
        -- The chain link of event-hash.ts: sha256 over the previous hex hash, then the
        -- canonical JSON with this version's digits in place, as UTF-8 bytes.
        head_hashes[slot] := encode(sha256(convert_to(head_hashes[slot]
          || event_canonicals[e], 'UTF8')), 'hex');
        if not head_found[slot] and not head_written[slot] then
          new_stream_count := new_stream_count + 1;
        end if;
        head_written[slot] := true;
        event_versions[e] := head_versions[slot];
        event_hashes[e] := head_hashes[slot];
        event_stream_ids[e] := p_batch_stream_ids[slot];
        event_requests[e] := request;
        batch_event_ids := batch_event_ids || p_event_ids[e];
        written_count := written_count + 1;
      end loop;
      if p_idempotency_scopes[request] is not null then
        key_written[request] := true;
        key_count := key_count + 1;
        batch_keys := batch_keys || key_pair;
      end if;
      for c in first_claim .. last_claim loop
        claim_pair := length(p_claim_scopes[c]) || ':' || p_claim_scopes[c] || p_claim_values[c];
        -- A claim its owner already holds is kept as it is; only a free one is written.
        if claim_holders[c] is null and array_position(batch_claims, claim_pair) is null then
          claim_written[c] := true;
          claim_count := claim_count + 1;
          batch_claims := batch_claims || claim_pair;
          batch_claim_owners := batch_claim_owners || p_claim_owners[c];
        end if;
      end loop;
    end if;

    for s in first_stream .. last_stream loop
      entry_versions[s] := head_versions[p_stream_slots[s]];
    end loop;
    outcomes := outcomes || decided;
    culprits := culprits || culprit;
    actuals := actuals || met;
    first_stream := last_stream + 1;
    first_event := last_event + 1;
    first_claim := last_claim + 1;
  end loop;

  if first_stream - 1 <> coalesce(cardinality(p_stream_slots), 0)
     or first_event - 1 <> event_count
     or first_claim - 1 <> coalesce(cardinality(p_claim_scopes), 0)
  then
    raise exception 'tng_append_batch: the per-request counts do not cover the arrays'
      using errcode = 'invalid_parameter_value';
  end if;

  -- The writes. Writers that skip the stream locks (older code, manual SQL) can still race
  -- this batch; then a unique constraint (streams' key, events' (stream_id, stream_version),
  -- an event id, an idempotency key, a claim) raises here and the caller retries each
  -- request alone, when the checks above see the other's rows.
  if new_stream_count > 0 then
    insert into streams (stream_id, version, last_hash)
    select h.id, h.version, h.hash
    from unnest(p_batch_stream_ids, head_versions, head_hashes, head_found, head_written)
      as h(id, version, hash, existed, written)
    where h.written and not h.existed
    order by h.id collate "C";
  end if;

  if written_count > 0 then
    update streams s set version = h.version, last_hash = h.hash
    from unnest(p_batch_stream_ids, head_versions, head_hashes, head_found, head_written)
      as h(id, version, hash, existed, written)
    where h.written and h.existed and s.stream_id = h.id;
  end if;

  -- Events in request order, so global positions follow it; each request learns the
  -- position of its last event. Data and metadata come out of the hashed JSON.
  if written_count > 0 then
    with written as (
      select x.stream_id, x.version, x.id, x.type, x.schema_version, x.hash, x.ord,
        x.canonical::jsonb as document
      from unnest(event_stream_ids, event_versions, p_event_ids, p_event_types,
        p_event_schema_versions, event_hashes, event_canonicals)
        with ordinality as x(stream_id, version, id, type, schema_version, hash, canonical, ord)
      where x.version is not null
    ), inserted as (
      insert into events
        (stream_id, stream_version, event_id, type, schema_version, data, metadata, hash)
      select w.stream_id, w.version, w.id, w.type, w.schema_version, w.document -> 'data',
        w.document -> 'metadata', w.hash
      from written w
      order by w.ord
      returning event_id, global_position
    ), per_request as (
      select w.request_index, max(i.global_position) as position
      from inserted i
      join unnest(p_event_ids, event_requests) as w(id, request_index)
        on w.id = i.event_id and w.request_index is not null
      group by w.request_index
    )
    select array_agg(p.position order by n.request_index)
    into positions
    from generate_series(1, request_count) as n(request_index)
    left join per_request p on p.request_index = n.request_index;
    current_xact := pg_current_xact_id();
  end if;

  -- Keys and claims in one order for every writer, so two batches cannot deadlock on them.
  if key_count > 0 then
    insert into idempotency_keys (scope, key, request_hash, response_status, response_body)
    select x.scope, x.key, x.request_hash, x.status, x.body
    from unnest(p_idempotency_scopes, p_idempotency_keys, p_idempotency_request_hashes,
      p_idempotency_statuses, p_idempotency_bodies, key_written)
      as x(scope, key, request_hash, status, body, written)
    where x.written
    order by x.scope collate "C", x.key collate "C";
  end if;

  if claim_count > 0 then
    insert into unique_claims (scope, value, owner_id)
    select x.scope, x.value, x.owner_id
    from unnest(p_claim_scopes, p_claim_values, p_claim_owners, claim_written)
      as x(scope, value, owner_id, written)
    where x.written
    order by x.scope collate "C", x.value collate "C";
  end if;

  if p_notify and written_count > 0 then
    perform pg_notify('tng_events', '');
  end if;

  first_stream := 1;
  for request in 1 .. request_count loop
    last_stream := first_stream + p_request_stream_counts[request] - 1;
    outcome := outcomes[request];
    next_versions := case when outcome in ('written', 'stored')
      then entry_versions[first_stream:last_stream] end;
    item := culprits[request];
    actual_version := actuals[request];
    last_position := positions[request];
    xact_id := case when last_position is not null then current_xact end;
    return next;
    first_stream := last_stream + 1;
  end loop;
end;
$$;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'tng_app') then
    grant execute on function tng_append_batch(int[], int[], int[], text[], text[], text[],
      int[], text[], int[], bigint[], text[], int[], uuid[], text[], int[], text[], text[],
      text[], text[], text[], boolean) to tng_app;
  end if;
end;
$$;

-- Down Migration
drop function tng_append_batch(int[], int[], int[], text[], text[], text[], int[], text[],
  int[], bigint[], text[], int[], uuid[], text[], int[], text[], text[], text[], text[],
  text[], boolean);
