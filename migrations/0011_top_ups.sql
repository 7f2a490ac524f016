-- Up Migration
-- Card top-ups (docs/api.md "Top-ups and plan"): the query side's read model, the top-up
-- saga's own table of open top-ups, and the built-in Stripe simulator's state.

-- rm_top_ups: one row per top-up, kept by the projector's `top_ups` projection from the saga
-- streams (topup-<id>); GET /v1/top-ups/:topUpId reads it. `status` is the public one:
-- pending, completed, failed or expired. `version` is the saga stream's last applied version.
create table rm_top_ups (
  top_up_id text primary key,
  wallet_id text not null,
  amount bigint not null,
  currency text not null,
  status text not null,
  requested_at timestamptz not null,
  version bigint not null
);

-- The top-up saga's open top-ups (sagas/src/topup/), written with its checkpoint: a row from
-- TopUpRequested until the saga settles; the local timeout expires the rows older than
-- TOPUP_EXPIRY_SECONDS. `requested_at` is the event's recorded instant (database clock).
create table saga_topup_open (
  top_up_id text primary key,
  requested_at timestamptz not null
);
create index saga_topup_open_due on saga_topup_open (requested_at, top_up_id);

-- The built-in simulator (used when STRIPE_SECRET_KEY is unset): its Checkout Sessions,
-- created once per idempotency key as Stripe does, and its generated webhook secret.
create table payments_simulator_sessions (
  session_id text primary key,
  idempotency_key text not null unique,
  mode text not null,
  status text not null,
  payment_status text not null,
  client_reference_id text,
  metadata jsonb not null,
  amount_total bigint,
  currency text,
  cancelled boolean not null default false,
  created_at timestamptz not null default now()
);
create index payments_simulator_sessions_created on payments_simulator_sessions (created_at);

create table payments_simulator_settings (
  name text primary key,
  value text not null
);

-- Down Migration
drop table payments_simulator_settings;
drop table payments_simulator_sessions;
drop table saga_topup_open;
drop table rm_top_ups;
