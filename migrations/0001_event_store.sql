-- Up Migration
-- The event store (docs/architecture.md "The event store"). `events` is the ledger: append-only,
-- ordered by (transaction_id, global_position) so that readers never skip a transaction
-- that commits late. `streams` holds one row per stream; appends lock it, which serializes
-- the writers of one stream and makes the expected-version check atomic.

create table events (
  global_position bigint generated always as identity primary key,
  -- Assigned at insert; a reader only reads below the oldest running transaction.
  transaction_id xid8 not null default pg_current_xact_id(),
  stream_id text not null,
  stream_version bigint not null check (stream_version >= 1),
  event_id uuid not null,
  type text not null,
  schema_version int not null check (schema_version >= 1),
  data jsonb not null,
  metadata jsonb not null,
  -- now() is the transaction's start time: every event of one append shares it.
  recorded_at timestamptz not null default now(),
  -- Hex SHA-256 over the stream's previous hash and this event's canonical JSON.
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  constraint events_event_id_key unique (event_id),
  constraint events_stream_id_stream_version_key unique (stream_id, stream_version)
);

-- readAll and headPosition walk this index in global order.
create index events_transaction_id_global_position_idx on events (transaction_id, global_position);

create table streams (
  stream_id text primary key,
  version bigint not null check (version >= 0),
  last_hash text not null check (last_hash ~ '^[0-9a-f]{64}$')
);

-- The stored response of an idempotent request, written with its events.
create table idempotency_keys (
  scope text not null,
  key text not null,
  request_hash text not null,
  response_status int not null,
  response_body text not null,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);

-- Uniqueness reservations (e.g. e-mail addresses), written with the owner's first events.
create table unique_claims (
  scope text not null,
  value text not null,
  owner_id text not null,
  primary key (scope, value)
);

-- Append-only for everyone, the owner and superusers included. ENABLE ALWAYS makes the
-- triggers fire even with session_replication_role = replica.
create function events_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'events are append-only: % refused', tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

create trigger events_append_only
  before update or delete on events
  for each row execute function events_refuse_change();
create trigger events_no_truncate
  before truncate on events
  for each statement execute function events_refuse_change();
alter table events enable always trigger events_append_only;
alter table events enable always trigger events_no_truncate;

-- The application's role (docs/architecture.md: it cannot UPDATE, DELETE or TRUNCATE events). Roles
-- are cluster-wide, so it may already exist; where the migrating user may not create roles,
-- the triggers above remain the guard.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'tng_app') then
    create role tng_app nologin;
  end if;
exception when duplicate_object or unique_violation or insufficient_privilege then
  raise notice 'role tng_app not created: %', sqlerrm;
end;
$$;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'tng_app') then
    grant select, insert on events to tng_app;
    grant select, insert, update on streams to tng_app;
    grant select, insert on idempotency_keys to tng_app;
    -- update: a claim made again by its owner is an upsert.
    grant select, insert, update on unique_claims to tng_app;
  end if;
end;
$$;

-- Down Migration
do $$
begin
  -- The role is cluster-wide and may serve other databases, so it is kept.
  if exists (select 1 from pg_roles where rolname = 'tng_app') then
    revoke all on events, streams, idempotency_keys, unique_claims from tng_app;
  end if;
end;
$$;
drop table unique_claims;
drop table idempotency_keys;
drop table streams;
drop table events;
drop function events_refuse_change();
