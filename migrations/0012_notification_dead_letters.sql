-- Up Migration
-- The operators' list of notification e-mails the saga gave up on (sagas/src/notifications/):
-- one row per mail id whose last outcome is NotificationDeadLettered. `tng notifications
-- failed` prints it; `tng notifications retry` sends again and deletes the rows it sent. The
-- outcome itself is an event on the stream `notification-<mailId>` (the record); the row is
-- written right after that event and re-written when the same message comes again, so a crash
-- between the two leaves at most a late row, never a lost one. It also keeps the integration
-- message the mail came from, so a retry renders the mail again to the user's current e-mail.
create table notification_dead_letters (
  mail_id text primary key,
  source_event_id text not null,
  kind text not null,
  recipient_user_id text not null,
  recipient_email text not null,
  failure_kind text not null check (failure_kind in ('temporary', 'unreachable', 'rejected')),
  reason text not null,
  attempts integer not null check (attempts >= 1),
  dead_lettered_at timestamptz not null,
  source_message jsonb not null
);
create index notification_dead_letters_when on notification_dead_letters (dead_lettered_at);

-- The notifications consumer (checkpoint `feed-notifications`) starts at the log's head as of
-- this migration: a ledger that existed before notifications must not e-mail its whole past.
-- Head = the last event below the read horizon (the oldest transaction still running), so an
-- append in flight now is above the checkpoint and still mailed. A new ledger has no events,
-- and its consumer starts at 0.
insert into projection_checkpoints (name, transaction_id, global_position)
select 'feed-notifications', transaction_id::text::bigint, global_position
  from events
 where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 order by transaction_id desc, global_position desc
 limit 1
on conflict (name) do nothing;

-- Down Migration
delete from projection_checkpoints where name = 'feed-notifications';
drop table notification_dead_letters;
