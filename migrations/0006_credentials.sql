-- Up Migration
-- Credentials: each user's current password hash, out of the event log. The log is read by
-- auditors (GET /v1/audit/streams/...) and can never be rewritten, so a secret does not
-- belong there. A registration or password change writes its row in the same transaction as
-- its event (shared/adapters/event-store/postgres.append-credentials.ts); the event only
-- says that a password was set. Login reads the hash here and nowhere else.
create table credentials (
  user_id text primary key check (length(user_id) between 1 and 128),
  password_hash text not null check (length(password_hash) between 1 and 1024),
  updated_at timestamptz not null
);

-- Users registered before this table existed have their hash only in version 1 of
-- UserRegistered or UserPasswordChanged. Copy the newest one per user, so login has one path.
-- The events themselves stay as they are (append-only and hash-chained): readers see them
-- through the upcasters of shared/domain/user/user.events.ts, which leave the hash out.
insert into credentials (user_id, password_hash, updated_at)
select distinct on (e.data ->> 'userId')
  e.data ->> 'userId', e.data ->> 'passwordHash', e.recorded_at
from events e
where e.type in ('UserRegistered', 'UserPasswordChanged')
  and e.schema_version = 1
  and e.stream_id = 'user-' || (e.data ->> 'userId')
  and jsonb_typeof(e.data -> 'passwordHash') = 'string'
order by e.data ->> 'userId', e.stream_version desc;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'tng_app') then
    -- update: a password change replaces the hash.
    grant select, insert, update on credentials to tng_app;
  end if;
end;
$$;

-- Down Migration
-- Hashes written since the upgrade exist only here: going down loses them, and the users
-- registered since can no longer log in.
drop table credentials;
