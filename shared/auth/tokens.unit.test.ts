// Goal: access tokens round-trip their principal, and every forged, expired or misdirected
// token is refused as DomainError `invalid_token` without leaking fast-jwt's error: alg none,
// a wrong secret, HS512, an RS256 header (algorithm confusion), wrong iss/aud, a refresh or
// missing typ, tampered claims, an iat in the future beyond the clock skew, a lifetime longer
// than the ttl. Also: the verified-token cache never outlives a token's exp.
import { createHmac, randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { InvariantViolation } from '../errors/assert';
import { DomainError } from '../errors/domain-error';
import { AccessTokens, ACCESS_TOKEN_CLOCK_SKEW_MS, ACCESS_TOKEN_TTL_MS_DEFAULT } from './tokens';

const SECRET = 'test-secret-that-is-at-least-32-bytes-long';
const START_MS = Date.UTC(2025, 0, 1, 12, 0, 0);
const subject = {
  userId: 'user-1', sessionId: randomUUID(), roles: ['customer', 'merchant'] as const,
  plan: 'PREMIUM' as const,
};

function makeTokens(options: { nowMs?: () => number; secret?: string } = {}) {
  const { secret = SECRET, nowMs = () => START_MS } = options;
  return new AccessTokens({ secret, nowMs });
}

function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(START_MS / 1000);
  return {
    iss: 'mini-tng', aud: 'mini-tng-api', sub: 'user-1', jti: randomUUID(),
    sid: subject.sessionId, typ: 'access', roles: ['customer'], plan: 'FREE',
    iat, exp: iat + 900, ...overrides,
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function handMade(header: Record<string, unknown>, claims: Record<string, unknown>, sign = true) {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign ? createHmac('sha256', SECRET).update(input).digest('base64url') : '';
  return `${input}.${signature}`;
}

function expectInvalidToken(run: () => unknown): void {
  let caught: unknown;
  try { run(); } catch (error) { caught = error; }
  expect(caught).toBeInstanceOf(DomainError);
  expect((caught as DomainError).code).toBe('invalid_token');
  expect((caught as Error).message).not.toMatch(/FAST_JWT|algorithm|signature/i);
  expect((caught as Error).cause).toBeUndefined();
}

test('an issued token verifies to its principal', () => {
  const tokens = makeTokens();
  const issued = tokens.issue(subject);
  expect(issued.expiresInSeconds).toBe(ACCESS_TOKEN_TTL_MS_DEFAULT / 1000);
  expect(issued.expiresAt.getTime()).toBe(START_MS + ACCESS_TOKEN_TTL_MS_DEFAULT);
  expect(tokens.verify(issued.accessToken)).toEqual({
    userId: 'user-1', sessionId: subject.sessionId, jti: issued.jti,
    roles: ['customer', 'merchant'], plan: 'PREMIUM', expiresAt: issued.expiresAt,
  });
  const header = JSON.parse(Buffer.from(issued.accessToken.split('.')[0]!, 'base64url').toString());
  expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
});

test('a token our own HMAC helper makes verifies (so the refusals below are meaningful)', () => {
  const claims = validClaims();
  expect(makeTokens().verify(handMade({ alg: 'HS256', typ: 'JWT' }, claims)).jti).toBe(claims.jti);
});

test('refuses an unsigned `alg: none` token', () => {
  expectInvalidToken(() => makeTokens().verify(handMade({ alg: 'none' }, validClaims(), false)));
  expectInvalidToken(() => makeTokens().verify(handMade({ alg: 'none' }, validClaims())));
});

test('refuses a token signed with another secret', () => {
  const other = makeTokens({ secret: 'another-secret-that-is-also-32-bytes-long' });
  expectInvalidToken(() => makeTokens().verify(other.issue(subject).accessToken));
});

test('refuses HS512 and an RS256 header, even when signed with our secret', () => {
  const hs512 = createSigner({ key: SECRET, algorithm: 'HS512' })(validClaims());
  expectInvalidToken(() => makeTokens().verify(hs512));
  expectInvalidToken(() => makeTokens().verify(handMade({ alg: 'RS256', typ: 'JWT' }, validClaims())));
});

test('refuses an expired token, also when it was cached while valid', () => {
  let now = START_MS;
  const tokens = makeTokens({ nowMs: () => now });
  const { accessToken } = tokens.issue(subject);
  expect(tokens.verify(accessToken).userId).toBe('user-1'); // Now in the cache.
  now = START_MS + ACCESS_TOKEN_TTL_MS_DEFAULT - 1;
  expect(tokens.verify(accessToken).userId).toBe('user-1');
  now = START_MS + ACCESS_TOKEN_TTL_MS_DEFAULT;
  expectInvalidToken(() => tokens.verify(accessToken));
  const fresh = makeTokens({ nowMs: () => START_MS + ACCESS_TOKEN_TTL_MS_DEFAULT + 1 });
  expectInvalidToken(() => fresh.verify(accessToken));
});

test('refuses a wrong audience or issuer', () => {
  const tokens = makeTokens();
  const header = { alg: 'HS256', typ: 'JWT' };
  expectInvalidToken(() => tokens.verify(handMade(header, validClaims({ aud: 'other-api' }))));
  expectInvalidToken(() => tokens.verify(handMade(header, validClaims({ aud: ['other-api'] }))));
  expectInvalidToken(() => tokens.verify(handMade(header, validClaims({ iss: 'evil' }))));
  const { iss: _iss, ...withoutIss } = validClaims();
  expectInvalidToken(() => tokens.verify(handMade(header, withoutIss)));
});

test('refuses a refresh-typed token and a token without typ', () => {
  const tokens = makeTokens();
  const header = { alg: 'HS256', typ: 'JWT' };
  expectInvalidToken(() => tokens.verify(handMade(header, validClaims({ typ: 'refresh' }))));
  const { typ: _typ, ...withoutTyp } = validClaims();
  expectInvalidToken(() => tokens.verify(handMade(header, withoutTyp)));
});

test('refuses tampered or ill-formed claims', () => {
  const tokens = makeTokens();
  const [header, , signature] = tokens.issue(subject).accessToken.split('.');
  const escalated = `${header}.${b64(validClaims({ roles: ['admin'] }))}.${signature}`;
  expectInvalidToken(() => tokens.verify(escalated));
  const signed = { alg: 'HS256', typ: 'JWT' };
  expectInvalidToken(() => tokens.verify(handMade(signed, validClaims({ roles: ['root'] }))));
  expectInvalidToken(() => tokens.verify(handMade(signed, validClaims({ sid: 'not-a-uuid' }))));
  expectInvalidToken(() => tokens.verify(handMade(signed, validClaims({ plan: 'GOLD' }))));
  for (const junk of ['', 'a.b.c', 'not a token', 'x'.repeat(5_000)]) {
    expectInvalidToken(() => tokens.verify(junk));
  }
});

test('refuses an iat in the future beyond the clock skew, and a lifetime over the ttl', () => {
  const tokens = makeTokens();
  const header = { alg: 'HS256', typ: 'JWT' };
  const now = Math.floor(START_MS / 1000);
  const skew = ACCESS_TOKEN_CLOCK_SKEW_MS / 1000;
  const ttl = ACCESS_TOKEN_TTL_MS_DEFAULT / 1000;
  // Within the skew, a slightly fast clock elsewhere: accepted.
  const nearFuture = validClaims({ iat: now + skew, exp: now + skew + ttl });
  expect(tokens.verify(handMade(header, nearFuture)).userId).toBe('user-1');
  const future = validClaims({ iat: now + skew + 1, exp: now + skew + 1 + ttl });
  expectInvalidToken(() => tokens.verify(handMade(header, future)));
  // Issued in the past with a lifetime of a day: still unexpired, but longer than issued.
  const longLived = validClaims({ iat: now - 60, exp: now - 60 + 24 * 3600 });
  expectInvalidToken(() => tokens.verify(handMade(header, longLived)));
  expectInvalidToken(() => tokens.verify(handMade(header, validClaims({ exp: now + ttl + 1 }))));
  const noLifetime = validClaims({ iat: now + 10, exp: now + 10 });
  expectInvalidToken(() => tokens.verify(handMade(header, noLifetime)));
  // A shorter ttl is a shorter bound.
  const short = new AccessTokens({ secret: SECRET, ttlMs: 60_000, nowMs: () => START_MS });
  expectInvalidToken(() => short.verify(handMade(header, validClaims())));
  expect(short.verify(short.issue(subject).accessToken).userId).toBe('user-1');
});

test('a secret shorter than 32 bytes is refused at construction', () => {
  expect(() => new AccessTokens({ secret: 'short-secret' })).toThrow(InvariantViolation);
  expect(() => new AccessTokens({ secret: Buffer.alloc(31, 1) })).toThrow(InvariantViolation);
  expect(() => new AccessTokens({ secret: Buffer.alloc(32, 1) })).not.toThrow();
});

test('the ttl is configurable and bounded', () => {
  const tokens = new AccessTokens({ secret: SECRET, ttlMs: 60_000, nowMs: () => START_MS });
  expect(tokens.issue(subject).expiresInSeconds).toBe(60);
  expect(() => new AccessTokens({ secret: SECRET, ttlMs: 500 })).toThrow(InvariantViolation);
});

test('verification works the same with the cache turned off', () => {
  const tokens = new AccessTokens({ secret: SECRET, cacheEntriesMax: 0, nowMs: () => START_MS });
  const { accessToken } = tokens.issue(subject);
  expect(tokens.verify(accessToken).userId).toBe('user-1');
  expect(tokens.verify(accessToken).userId).toBe('user-1');
});
