// The Postgres record of a logout, shared by SessionRevocation (logout) and RefreshTokenStore
// (refresh-token reuse): one statement, so atomic without an explicit transaction, that
// (1) records the session in revoked_sessions, (2) revokes its refresh-token family and live
// token, and (3) notifies every process listening on SESSION_REVOKED_CHANNEL. Postgres
// delivers the notification only if the statement commits, so no process hears of a
// revocation that did not happen. A session id is its refresh-token family id.
import type { Pool, PoolClient } from 'pg';
import { assert } from '../errors/assert';

export const SESSION_REVOKED_CHANNEL = 'tng_session_revoked';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SessionRevocationRecord = Readonly<{
  sessionId: string;
  revokedAt: Date;
  /** When every access token of the session has expired; the record may go after that. */
  expiresAt: Date;
}>;

export const isSessionId = (value: string): boolean => UUID_PATTERN.test(value);

// Unreferenced data-modifying CTEs still run, once and to completion (Postgres docs, 7.8.4).
// A second revocation of the same session keeps the later expiry.
const RECORD_REVOCATION_SQL = `
  with recorded as (
    insert into revoked_sessions (session_id, revoked_at, expires_at) values ($1, $2, $3)
    on conflict (session_id) do update
      set expires_at = greatest(revoked_sessions.expires_at, excluded.expires_at)
    returning 1
  ), family as (
    update refresh_token_families set revoked_at = $2
    where family_id = $1 and revoked_at is null
    returning 1
  ), live_tokens as (
    update refresh_tokens set revoked_at = $2
    where family_id = $1 and revoked_at is null and spent_at is null
    returning 1
  )
  select pg_notify($4::text, $5::text)`;

export async function recordSessionRevocation(
  db: Pool | PoolClient,
  record: SessionRevocationRecord,
): Promise<void> {
  assert(isSessionId(record.sessionId), 'a session id is a uuid');
  const { sessionId, revokedAt, expiresAt } = record;
  const notice = encodeRevocationNotice(sessionId, expiresAt.getTime());
  await db.query(RECORD_REVOCATION_SQL, [
    sessionId, revokedAt, expiresAt, SESSION_REVOKED_CHANNEL, notice,
  ]);
}

/** NOTIFY payload: "<sessionId> <expiresAtMs>", so listeners know how long to keep it. */
export const encodeRevocationNotice = (sessionId: string, expiresAtMs: number): string =>
  `${sessionId} ${expiresAtMs}`;

export function parseRevocationNotice(
  payload: string,
): { sessionId: string; expiresAtMs: number } | null {
  const [sessionId, expiresAtText, ...rest] = payload.split(' ');
  if (rest.length > 0 || sessionId === undefined || !isSessionId(sessionId)) return null;
  if (expiresAtText === undefined || !/^[0-9]{1,16}$/.test(expiresAtText)) return null;
  return { sessionId: sessionId.toLowerCase(), expiresAtMs: Number(expiresAtText) };
}
