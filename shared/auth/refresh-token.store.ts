// Rotating, opaque refresh tokens in Postgres. A login starts a family (= the session id);
// each refresh spends the presented token and issues the next one in the same family.
// Invariants: only SHA-256 hashes are stored; a token is spent at most once, even under
// concurrent rotations (one conditional UPDATE decides); presenting a spent token again is
// theft or a replay, so the whole family and its access tokens are revoked; a revoked family
// never rotates again, including a token minted by a rotation racing the revocation.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { UserIdSchema, type UserId } from '../domain/ids';
import { assert } from '../errors/assert';
import { DomainError } from '../errors/domain-error';
import { recordSessionRevocation } from './session-revocation.record';
import { ACCESS_TOKEN_TTL_MS_DEFAULT } from './tokens';

export const REFRESH_TOKEN_TTL_MS_DEFAULT = 30 * 24 * 60 * 60 * 1000;
export const REFRESH_TOKEN_BYTES = 32;
/** 32 random bytes in base64url, unpadded. Anything else is refused without a query. */
const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type RefreshTokenStoreOptions = Readonly<{
  pool: Pool;
  ttlMs?: number;
  /**
   * The access-token lifetime. Revoking a family also revokes its session for this long,
   * which outlasts every access token the family was issued (none is issued afterwards).
   */
  accessTokenTtlMs?: number;
  /** Injected clock for tests; milliseconds since the epoch. */
  nowMs?: () => number;
}>;

export type IssuedRefreshToken = Readonly<{
  refreshToken: string;
  /** Also the session id (`sid`) of the access tokens issued with it. */
  familyId: string;
  expiresAt: Date;
}>;

export type RotatedRefreshToken = IssuedRefreshToken & Readonly<{ userId: UserId }>;

const ISSUE_SQL = `
  with family as (
    insert into refresh_token_families (family_id, user_id, created_at) values ($1, $2, $3)
  )
  insert into refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at)
  values ($4, $1, $2, $3, $5)`;

// Spends the token and issues its successor in one statement. Of two concurrent rotations,
// the second waits for the first's row lock, re-checks `spent_at is null`, and updates nothing.
const ROTATE_SQL = `
  with spent as (
    update refresh_tokens t set spent_at = $2
    where t.token_hash = $1 and t.spent_at is null and t.revoked_at is null
      and t.expires_at > $2
      and exists (select 1 from refresh_token_families f
                  where f.family_id = t.family_id and f.revoked_at is null)
    returning t.family_id, t.user_id
  )
  insert into refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at)
  select $3, family_id, user_id, $2, $4 from spent
  returning family_id, user_id`;

const FIND_SPENT_SQL = `
  select family_id from refresh_tokens where token_hash = $1 and spent_at is not null`;

const PRUNE_SQL = `
  delete from refresh_tokens where token_hash in (
    select token_hash from refresh_tokens where expires_at < $1 limit $2)`;

export class RefreshTokenStore {
  private readonly pool: Pool;
  private readonly ttlMs: number;
  private readonly accessTokenTtlMs: number;
  private readonly nowMs: () => number;

  constructor(options: RefreshTokenStoreOptions) {
    this.pool = options.pool;
    this.ttlMs = options.ttlMs ?? REFRESH_TOKEN_TTL_MS_DEFAULT;
    this.accessTokenTtlMs = options.accessTokenTtlMs ?? ACCESS_TOKEN_TTL_MS_DEFAULT;
    this.nowMs = options.nowMs ?? Date.now;
    assert(Number.isSafeInteger(this.ttlMs) && this.ttlMs > 0, 'the refresh ttl is positive');
  }

  /** Starts a new family (a login session) for the user. */
  async issue(userId: string): Promise<IssuedRefreshToken> {
    assert(UserIdSchema.safeParse(userId).success, 'a user id is well formed');
    const familyId = randomUUID();
    const issuedAt = new Date(this.nowMs());
    const expiresAt = new Date(issuedAt.getTime() + this.ttlMs);
    const refreshToken = newRefreshToken();
    const tokenHash = hashToken(refreshToken);
    await this.pool.query(ISSUE_SQL, [familyId, userId, issuedAt, tokenHash, expiresAt]);
    return { refreshToken, familyId, expiresAt };
  }

  /**
   * Spends `refreshToken` and returns its successor. Throws DomainError
   * `refresh_token_reused` (after revoking the family) if it was already spent, and
   * `invalid_token` if it is unknown, expired or revoked.
   */
  async rotate(refreshToken: string): Promise<RotatedRefreshToken> {
    if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) throw invalidRefreshToken();
    const presentedHash = hashToken(refreshToken);
    const now = new Date(this.nowMs());
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const successor = newRefreshToken();
    const rotated = await this.pool.query<{ family_id: string; user_id: string }>(
      ROTATE_SQL, [presentedHash, now, hashToken(successor), expiresAt]);
    const row = rotated.rows[0];
    if (row !== undefined) {
      // Parsed on read: the column's check allows what issue() never writes.
      const userId = UserIdSchema.parse(row.user_id);
      return { refreshToken: successor, familyId: row.family_id, userId, expiresAt };
    }
    const spent = await this.pool.query<{ family_id: string }>(FIND_SPENT_SQL, [presentedHash]);
    const reusedFamily = spent.rows[0]?.family_id;
    if (reusedFamily === undefined) throw invalidRefreshToken();
    // Either: the loser of two concurrent rotations lands here too. Treating it as reuse is
    // the safe reading (the client can log in again), so its family is revoked as well.
    await this.revokeFamily(reusedFamily);
    throw new DomainError('refresh_token_reused', 'the refresh token was already used');
  }

  /** Ends the session: its family, its live refresh token and its access tokens. */
  async revokeFamily(familyId: string): Promise<void> {
    const revokedAt = new Date(this.nowMs());
    const expiresAt = new Date(revokedAt.getTime() + this.accessTokenTtlMs);
    await recordSessionRevocation(this.pool, { sessionId: familyId, revokedAt, expiresAt });
  }

  /** Deletes up to `batchMax` expired tokens; for a periodic job. Returns how many. */
  async pruneExpired(batchMax: number): Promise<number> {
    assert(Number.isSafeInteger(batchMax) && batchMax > 0, 'a prune batch is positive');
    const result = await this.pool.query(PRUNE_SQL, [new Date(this.nowMs()), batchMax]);
    return result.rowCount ?? 0;
  }
}

const newRefreshToken = () => randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
const invalidRefreshToken = () =>
  new DomainError('invalid_token', 'the refresh token is invalid, expired or revoked');
