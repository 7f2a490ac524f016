-- Up Migration
-- Read models. Every row is derived from the event log by a projection and can be rebuilt;
-- no column holds a value that is not in the events (no now(), no random ids).

create table projection_checkpoints (
  name text primary key,
  transaction_id bigint not null default 0,
  global_position bigint not null default 0,
  updated_at timestamptz not null default now()
);

create table rm_wallets (
  wallet_id text primary key,
  owner_id text,
  kind text not null,
  system_account text,
  currency text not null,
  balance bigint not null,
  held bigint not null,
  status text not null,
  version bigint not null,
  opened_at timestamptz not null,
  updated_at timestamptz not null
);
create index rm_wallets_owner on rm_wallets (owner_id, wallet_id);

create table rm_wallet_transactions (
  wallet_id text not null,
  stream_version bigint not null,
  transaction_id text not null,
  kind text not null,
  direction text not null,
  amount bigint not null,
  currency text not null,
  balance_after bigint not null,
  counterparty_wallet_id text,
  status text not null,
  note text,
  created_at timestamptz not null,
  primary key (wallet_id, stream_version)
);

create table rm_holds (
  hold_id text primary key,
  wallet_id text not null,
  amount bigint not null,
  currency text not null,
  reason text not null,
  status text not null,
  expires_at timestamptz not null,
  captured_amount bigint,
  updated_at timestamptz not null
);
create index rm_holds_wallet on rm_holds (wallet_id, hold_id);

create table rm_transfers (
  transfer_id text primary key,
  kind text not null,
  status text not null,
  source_wallet_id text not null,
  target_wallet_id text not null,
  amount bigint not null,
  currency text not null,
  reason text,
  note text,
  created_at timestamptz not null
);

create table rm_users (
  user_id text primary key,
  email text not null,
  name text not null,
  roles text[] not null,
  plan text not null,
  registered_at timestamptz not null,
  version bigint not null
);
create index rm_users_email on rm_users (email);

-- Down Migration
drop table rm_users;
drop table rm_transfers;
drop table rm_holds;
drop table rm_wallet_transactions;
drop table rm_wallets;
drop table projection_checkpoints;
