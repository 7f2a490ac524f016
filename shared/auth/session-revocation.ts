// Logout that takes effect at once in every process, without depending on Redis.
// Postgres is the record (revoked_sessions, written with the family revocation in one
// statement); each process keeps an in-process set of revoked sessions, current through
// LISTEN/NOTIFY and fully reloaded at start and after every listener reconnection. Redis,
// when given, is a second, faster path across processes (the key is written at logout and
// read on a miss); a Redis failure is logged and ignored, never fails a request.
// Invariant: while the listener is down (or the set overflowed) a miss asks Postgres, so a
// stale set never lets a revoked session through; if Postgres cannot answer, the check
// throws rather than guess.
import type { Pool } from 'pg';
import { assert } from '../errors/assert';
import { CACHE_TTL_MS_MAX, type Cache } from '../ports/cache.port';
import { PgNotificationListener, type ListenerLog } from './pg-notification-listener';
import { RevokedSessionSet } from './revoked-session-set';
import {
  SESSION_REVOKED_CHANNEL, isSessionId, parseRevocationNotice, recordSessionRevocation,
} from './session-revocation.record';

/** Revocations kept in memory; each lives at most an access-token lifetime (15 min). */
export const REVOKED_SESSIONS_IN_MEMORY_MAX = 100_000;
export const REVOKED_SESSION_TTL_MS_MAX = CACHE_TTL_MS_MAX;
const MAINTENANCE_INTERVAL_MS = 60_000;
/** While Redis is down every miss would log; one line per interval is enough. */
const SHARED_CACHE_ERROR_LOG_INTERVAL_MS = 10_000;
const SHARED_CACHE_KEY_PREFIX = 'revoked-session:';

export type SessionRevocationOptions = Readonly<{
  /** For writes, reloads and fallback checks. */
  pool: Pool;
  /** For the dedicated LISTEN connection (a pooled one could be recycled under it). */
  listenerDatabaseUrl: string;
  /** The Redis cache when configured; never the in-process one (it is per process). */
  sharedCache?: Cache;
  log: ListenerLog;
  entriesMax?: number;
  /** Injected clock for tests; milliseconds since the epoch. */
  nowMs?: () => number;
}>;

export class SessionRevocation {
  private readonly options: SessionRevocationOptions;
  private readonly nowMs: () => number;
  private readonly entriesMax: number;
  private readonly revoked: RevokedSessionSet;
  private readonly listener: PgNotificationListener;
  /** True while the set is known current: listening, and reloaded since connecting. */
  private synced = false;
  /** Bumped when the listener is lost, so a reload that straddles a loss does not count. */
  private connectionEpoch = 0;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private sharedCacheErrorLoggedAtMs = -Infinity;

  constructor(options: SessionRevocationOptions) {
    this.options = options;
    this.nowMs = options.nowMs ?? Date.now;
    this.entriesMax = options.entriesMax ?? REVOKED_SESSIONS_IN_MEMORY_MAX;
    this.revoked = new RevokedSessionSet(this.entriesMax, this.nowMs);
    this.listener = new PgNotificationListener({
      databaseUrl: options.listenerDatabaseUrl,
      channel: SESSION_REVOKED_CHANNEL,
      applicationName: 'tng-session-revocation',
      onNotification: (payload) => this.applyNotice(payload),
      onListening: () => this.reload(),
      onLost: () => {
        this.synced = false;
        this.connectionEpoch += 1;
      },
      log: options.log,
    });
  }

  /** Listens and loads the current revocations; throws if Postgres cannot be reached. */
  async start(): Promise<void> {
    await this.listener.start();
    this.maintenanceTimer = setInterval(() => this.maintain(), MAINTENANCE_INTERVAL_MS);
    this.maintenanceTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.maintenanceTimer);
    this.synced = false;
    await this.listener.stop();
  }

  /**
   * Ends the session everywhere: its access tokens and its refresh-token family. `expiresAt`
   * must be no earlier than the exp of every access token of the session, i.e. now plus the
   * access-token ttl (the token presented at logout may not be the session's newest).
   */
  async revoke(sessionId: string, expiresAt: Date): Promise<void> {
    assert(isSessionId(sessionId), 'a session id is a uuid');
    const nowMs = this.nowMs();
    const ttlMs = expiresAt.getTime() - nowMs;
    assert(ttlMs <= REVOKED_SESSION_TTL_MS_MAX, 'a revocation lasts at most 30 days');
    const id = sessionId.toLowerCase();
    await recordSessionRevocation(this.options.pool, {
      sessionId: id, revokedAt: new Date(nowMs), expiresAt,
    });
    this.revoked.add(id, expiresAt.getTime());
    if (this.options.sharedCache && ttlMs >= 1) {
      await this.options.sharedCache
        .set(SHARED_CACHE_KEY_PREFIX + id, '1', { ttlMs })
        .catch((error: unknown) => this.logSharedCacheError(error));
    }
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const id = sessionId.toLowerCase();
    if (this.revoked.has(id)) return true;
    if (!this.synced || this.revoked.overflowed) return this.isRevokedInPostgres(id);
    if (this.options.sharedCache) return this.isRevokedInSharedCache(this.options.sharedCache, id);
    return false;
  }

  private async isRevokedInPostgres(sessionId: string): Promise<boolean> {
    if (!isSessionId(sessionId)) return false; // Not a session we could have recorded.
    const { rows } = await this.options.pool.query<{ expires_at: Date }>(
      'select expires_at from revoked_sessions where session_id = $1 and expires_at > $2',
      [sessionId, new Date(this.nowMs())]);
    const row = rows[0];
    if (row === undefined) return false;
    this.revoked.add(sessionId, row.expires_at.getTime());
    return true;
  }

  private async isRevokedInSharedCache(cache: Cache, sessionId: string): Promise<boolean> {
    try {
      return (await cache.get(SHARED_CACHE_KEY_PREFIX + sessionId)) !== null;
    } catch (error) {
      // The set is current (synced), so answering from it alone is still correct; Redis
      // only narrows the moment between another process's commit and its notification.
      this.logSharedCacheError(error);
      return false;
    }
  }

  private applyNotice(payload: string): void {
    const notice = parseRevocationNotice(payload);
    if (notice === null) {
      this.options.log.warn({ channel: SESSION_REVOKED_CHANNEL }, 'ignored a malformed notice');
      return;
    }
    this.revoked.add(notice.sessionId, notice.expiresAtMs);
  }

  /** Merges every unexpired revocation into the set; runs after each LISTEN. */
  private async reload(): Promise<void> {
    const epoch = this.connectionEpoch;
    this.revoked.pruneExpired();
    this.revoked.clearOverflow();
    // One more row than fits tells us the set overflowed; the newest expiries matter most.
    const { rows } = await this.options.pool.query<{ session_id: string; expires_at: Date }>(
      `select session_id, expires_at from revoked_sessions where expires_at > $1
       order by expires_at desc limit $2`,
      [new Date(this.nowMs()), this.entriesMax + 1]);
    for (const row of rows) this.revoked.add(row.session_id, row.expires_at.getTime());
    if (epoch === this.connectionEpoch) this.synced = true;
  }

  private maintain(): void {
    this.revoked.pruneExpired();
    if (!this.synced || !this.revoked.overflowed) return;
    this.reload().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.options.log.warn({ reason }, 'revoked-session reload failed');
    });
  }

  private logSharedCacheError(error: unknown): void {
    const nowMs = this.nowMs();
    if (nowMs - this.sharedCacheErrorLoggedAtMs < SHARED_CACHE_ERROR_LOG_INTERVAL_MS) return;
    this.sharedCacheErrorLoggedAtMs = nowMs;
    const reason = error instanceof Error ? error.message : String(error);
    this.options.log.warn({ reason }, 'redis session check failed; using the in-process set');
  }
}
