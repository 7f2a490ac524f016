-- Up Migration
-- The fraud-hints saga (checkpoint `fraud-hints`, sagas/src/fraud-hints/) starts at the log's
-- head as of this migration: on a ledger that existed before it, judging years of past
-- activity would raise hints (and e-mails) about what nobody can act on any more. Head = the
-- last event below the read horizon, as for `feed-notifications` in 0012; a new ledger has
-- no events, and the saga starts at 0.
insert into projection_checkpoints (name, transaction_id, global_position)
select 'fraud-hints', transaction_id::text::bigint, global_position
  from events
 where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 order by transaction_id desc, global_position desc
 limit 1
on conflict (name) do nothing;

-- Down Migration
delete from projection_checkpoints where name = 'fraud-hints';
