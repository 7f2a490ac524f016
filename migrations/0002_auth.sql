-- Up Migration
-- Login sessions and their rotating refresh tokens (shared/auth/refresh-token.store.ts), and
-- the record of logged-out sessions that access-token checks consult
-- (shared/auth/session-revocation.ts). A session id is its refresh-token family id.

-- One row per login. revoked_at set = the whole family is dead: checked on every rotation,
-- so a token minted by a rotation racing the revocation is refused too.
create table refresh_token_families (
  family_id uuid primary key,
  user_id text not null check (length(user_id) between 1 and 128),
  created_at timestamptz not null,
  revoked_at timestamptz null
);

-- Only the SHA-256 of a refresh token is stored; the token itself is never written down.
create table refresh_tokens (
  token_hash bytea primary key check (octet_length(token_hash) = 32),
  family_id uuid not null references refresh_token_families (family_id) on delete cascade,
  user_id text not null check (length(user_id) between 1 and 128),
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  spent_at timestamptz null,
  revoked_at timestamptz null,
  check (expires_at > issued_at)
);
create index refresh_tokens_family_id_idx on refresh_tokens (family_id);
create index refresh_tokens_expires_at_idx on refresh_tokens (expires_at);
create index refresh_token_families_user_id_idx on refresh_token_families (user_id);

-- Logged-out sessions, kept until every access token of the session has expired.
create table revoked_sessions (
  session_id uuid primary key,
  revoked_at timestamptz not null,
  expires_at timestamptz not null
);
create index revoked_sessions_expires_at_idx on revoked_sessions (expires_at);

-- Down Migration
drop table if exists revoked_sessions;
drop table if exists refresh_tokens;
drop table if exists refresh_token_families;
