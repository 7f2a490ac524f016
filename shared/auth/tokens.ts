// Access tokens: HS256 JWTs (fast-jwt, directly: docs/architecture.md says why not through
// @fastify/jwt) that carry who is calling for 15 minutes by default.
// Invariants: verification accepts HS256 only (the algorithm is pinned, so `alg: none`,
// HS512 and RS256 confusion tokens fail), and only with iss, aud, typ 'access', a future exp,
// an iat no later than now (give or take ACCESS_TOKEN_CLOCK_SKEW_MS), a lifetime exp - iat no
// longer than the configured ttl, and well-formed claims; every failure is DomainError
// `invalid_token`, never fast-jwt's own error (its messages describe the token). The secret
// has at least 32 bytes.
// Verify does NOT check logout: callers also ask SessionRevocation (see access-authenticator).
import { randomUUID } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import { assert } from '../errors/assert';
import { ExpiringLru } from '../adapters/cache/expiring-lru';
import { UserIdSchema } from '../domain/ids';
import {
  ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_REQUIRED_CLAIMS, ACCESS_TOKEN_TYPE,
  AccessClaimsSchema, invalidToken, principalOfClaims,
} from './access-claims';
import type { AccessPrincipal, Plan, Role } from './principal';

export {
  ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_CLOCK_SKEW_MS, ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_TYPE,
} from './access-claims';
export const ACCESS_TOKEN_TTL_MS_DEFAULT = 15 * 60 * 1000;
export const ACCESS_TOKEN_TTL_MS_MAX = 24 * 60 * 60 * 1000;
export const ACCESS_TOKEN_SECRET_BYTES_MIN = 32;
/** Longer input is refused before parsing, so junk cannot cost CPU or fill the cache. */
export const ACCESS_TOKEN_LENGTH_MAX = 4_096;
/**
 * Verified tokens cached by their exact text until their exp. An HS256 check and the claim
 * checks are a measurable share of a request under load (docs/architecture.md, "Tokens: why
 * fast-jwt directly"); 10k entries of about 1 KB each stay near 10 MB. Only successes are
 * cached, so junk cannot evict them.
 */
export const VERIFIED_TOKEN_CACHE_ENTRIES_MAX = 10_000;

export type AccessTokenSubject = Readonly<{
  userId: string;
  sessionId: string;
  roles: readonly Role[];
  plan: Plan;
}>;

export type IssuedAccessToken = Readonly<{
  accessToken: string;
  jti: string;
  expiresAt: Date;
  /** For the login response's `expiresIn`. */
  expiresInSeconds: number;
}>;

export type AccessTokensOptions = Readonly<{
  secret: string | Buffer;
  ttlMs?: number;
  /** 0 turns the verified-token cache off. */
  cacheEntriesMax?: number;
  /** Injected clock for tests; milliseconds since the epoch. */
  nowMs?: () => number;
}>;

export class AccessTokens {
  readonly ttlMs: number;
  private readonly nowMs: () => number;
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly decodeVerified: (token: string) => unknown;
  private readonly verified: ExpiringLru<AccessPrincipal> | null;

  constructor(options: AccessTokensOptions) {
    const secretBytes = Buffer.byteLength(options.secret);
    assert(secretBytes >= ACCESS_TOKEN_SECRET_BYTES_MIN, 'the JWT secret has at least 32 bytes');
    this.ttlMs = options.ttlMs ?? ACCESS_TOKEN_TTL_MS_DEFAULT;
    assert(Number.isSafeInteger(this.ttlMs), 'the access token ttl is whole milliseconds');
    assert(this.ttlMs >= 1_000, 'the access token ttl is at least one second');
    assert(this.ttlMs <= ACCESS_TOKEN_TTL_MS_MAX, 'the access token ttl is at most a day');
    this.nowMs = options.nowMs ?? Date.now;
    const key = Buffer.from(options.secret);
    this.sign = createSigner({ key, algorithm: 'HS256' });
    // exp is checked by principalOfClaims against the injected clock, so one clock decides
    // both the check and the cache expiry. fast-jwt's own cache stays off: it hashes every
    // token and returns the payload, so the claim checks would still run; ours caches the
    // principal.
    this.decodeVerified = createVerifier({
      key,
      algorithms: ['HS256'],
      allowedIss: ACCESS_TOKEN_ISSUER,
      allowedAud: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
      ignoreExpiration: true,
      cache: false,
    });
    const entriesMax = options.cacheEntriesMax ?? VERIFIED_TOKEN_CACHE_ENTRIES_MAX;
    this.verified = entriesMax > 0 ? new ExpiringLru(entriesMax, this.nowMs) : null;
  }

  issue(subject: AccessTokenSubject): IssuedAccessToken {
    assert(UserIdSchema.safeParse(subject.userId).success, 'a user id is well formed');
    assert(new Set(subject.roles).size === subject.roles.length, 'roles are listed once each');
    const nowMs = this.nowMs();
    const iat = Math.floor(nowMs / 1000);
    const exp = Math.floor((nowMs + this.ttlMs) / 1000);
    const jti = randomUUID();
    const accessToken = this.sign({
      iss: ACCESS_TOKEN_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
      sub: subject.userId,
      jti,
      sid: subject.sessionId,
      typ: ACCESS_TOKEN_TYPE,
      roles: [...subject.roles],
      plan: subject.plan,
      iat,
      exp,
    });
    // Paired with verify: what we issue must verify (a wrong sid or role is a bug here).
    assert(AccessClaimsSchema.safeParse(decodePayload(accessToken)).success, 'claims are valid');
    return { accessToken, jti, expiresAt: new Date(exp * 1000), expiresInSeconds: exp - iat };
  }

  /** The principal of a valid, unexpired access token; else DomainError `invalid_token`. */
  verify(token: string): AccessPrincipal {
    const cached = this.verified?.get(token);
    if (cached !== undefined) return cached;
    const principal = this.verifyUncached(token);
    this.verified?.set(token, principal, principal.expiresAt.getTime());
    return principal;
  }

  private verifyUncached(token: string): AccessPrincipal {
    if (token.length === 0 || token.length > ACCESS_TOKEN_LENGTH_MAX) throw invalidToken();
    let payload: unknown;
    try {
      payload = this.decodeVerified(token);
    } catch {
      throw invalidToken();
    }
    return principalOfClaims(payload, this.nowMs(), this.ttlMs);
  }
}

function decodePayload(token: string): unknown {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}
