// The claims an access token must carry, and the checks on them that the JWT library does not
// make: well-formed ids, roles and plan; a future exp; an iat no later than now give or take
// ACCESS_TOKEN_CLOCK_SKEW_MS; a lifetime exp - iat no longer than the configured ttl. Run on
// a payload whose signature, algorithm, iss and aud were already verified (tokens.ts). Every
// failure is DomainError `invalid_token`.
import { z } from 'zod/v4';
import { DomainError } from '../errors/domain-error';
import { UserIdSchema } from '../domain/ids';
import { PLANS, ROLES, type AccessPrincipal } from './principal';

export const ACCESS_TOKEN_ISSUER = 'mini-tng';
export const ACCESS_TOKEN_AUDIENCE = 'mini-tng-api';
export const ACCESS_TOKEN_TYPE = 'access';
/**
 * How far in the future an iat may be: clocks of replicas that issue and verify differ a
 * little. Beyond it the token was not issued by a server of ours at that time (a stolen key,
 * or a clock far off), and is refused like one that outlives the ttl.
 */
export const ACCESS_TOKEN_CLOCK_SKEW_MS = 30_000;
/** Claims the verifier requires before the schema below looks at their values. */
export const ACCESS_TOKEN_REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'jti', 'sid', 'typ', 'iat', 'exp'];

export const AccessClaimsSchema = z.object({
  iss: z.literal(ACCESS_TOKEN_ISSUER),
  aud: z.literal(ACCESS_TOKEN_AUDIENCE),
  sub: UserIdSchema,
  jti: z.uuid(),
  sid: z.uuid(),
  typ: z.literal(ACCESS_TOKEN_TYPE),
  roles: z.array(z.enum(ROLES)).max(ROLES.length),
  plan: z.enum(PLANS),
  iat: z.int().nonnegative(),
  exp: z.int().positive(),
});

export const invalidToken = () =>
  new DomainError('invalid_token', 'the access token is invalid or expired');

/** The principal of verified claims at `nowMs` under a `ttlMs` lifetime; else `invalid_token`. */
export function principalOfClaims(payload: unknown, nowMs: number, ttlMs: number): AccessPrincipal {
  const parsed = AccessClaimsSchema.safeParse(payload);
  if (!parsed.success) throw invalidToken();
  const claims = parsed.data;
  if (claims.exp * 1000 <= nowMs) throw invalidToken();
  if (claims.iat * 1000 > nowMs + ACCESS_TOKEN_CLOCK_SKEW_MS) throw invalidToken();
  // issue() rounds both to whole seconds, so its lifetime is at most the ttl rounded up.
  const lifetimeSeconds = claims.exp - claims.iat;
  if (lifetimeSeconds <= 0 || lifetimeSeconds > Math.ceil(ttlMs / 1000)) throw invalidToken();
  return Object.freeze({
    userId: claims.sub,
    sessionId: claims.sid,
    jti: claims.jti,
    roles: Object.freeze([...new Set(claims.roles)]),
    plan: claims.plan,
    expiresAt: new Date(claims.exp * 1000),
  });
}
