-- Up Migration
-- The hold-expiry saga's own state (sagas/src/hold-expiry/): one row per hold that was placed
-- and has not been captured, released or expired yet, with its wallet and expiry instant. The
-- saga's subscription ('hold-expiry' in projection_checkpoints) keeps it from the event log and
-- writes it in the same transaction as its checkpoint; the sweep reads the due rows. It
-- replaces the saga's reading of the projector's rm_holds: a saga depends on no read model.
-- Empty at first: the subscription starts at the beginning of the log, so holds placed before
-- this migration are found as it catches up.
create table saga_hold_expiry_holds (
  hold_id text primary key,
  wallet_id text not null,
  expires_at timestamptz not null
);
-- The sweep's question: the wallets with holds due by now, most overdue first.
create index saga_hold_expiry_holds_due on saga_hold_expiry_holds (expires_at, wallet_id);

-- Down Migration
drop table saga_hold_expiry_holds;
