// Goal: refresh tokens rotate once each, only their hashes are stored, a reused (spent) token
// revokes its whole family and session, unknown/expired/revoked tokens are refused, and of
// two concurrent rotations of one token exactly one succeeds.
import { createTestPool } from '../testing/test-pool';
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { DomainError } from '../errors/domain-error';
import { createFreshDatabase, type FreshDatabase } from '../testing/fresh-database';
import { RefreshTokenStore, REFRESH_TOKEN_TTL_MS_DEFAULT } from './refresh-token.store';

let db: FreshDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createFreshDatabase();
  pool = createTestPool({ connectionString: db.url, max: 8 });
  // pool.end() resolves before its sockets have closed, and the database is then dropped
  // with force: a closing client may hear the termination. That is not a test failure.
  pool.on('error', () => {});
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'fulfilled',
    (error: unknown) => (error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`),
  );

test('issue starts a family and stores only the token hash', async () => {
  const store = new RefreshTokenStore({ pool });
  const issued = await store.issue('user-1');
  expect(issued.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(issued.familyId).toMatch(/^[0-9a-f-]{36}$/);
  const { rows } = await pool.query(
    'select token_hash, family_id, user_id, spent_at, revoked_at from refresh_tokens where family_id = $1',
    [issued.familyId]);
  const expectedHash = createHash('sha256').update(issued.refreshToken).digest();
  expect(rows).toEqual([{ token_hash: expectedHash, family_id: issued.familyId,
    user_id: 'user-1', spent_at: null, revoked_at: null }]);
  const dump = JSON.stringify((await pool.query('select * from refresh_tokens')).rows);
  expect(dump).not.toContain(issued.refreshToken);
});

test('rotate spends the token and issues a successor in the same family', async () => {
  const store = new RefreshTokenStore({ pool });
  const first = await store.issue('user-2');
  const second = await store.rotate(first.refreshToken);
  expect(second).toMatchObject({ familyId: first.familyId, userId: 'user-2' });
  expect(second.refreshToken).not.toBe(first.refreshToken);
  const third = await store.rotate(second.refreshToken);
  expect(third.familyId).toBe(first.familyId);
});

test('reusing a spent token revokes the family, its session and its newest token', async () => {
  const store = new RefreshTokenStore({ pool });
  const first = await store.issue('user-3');
  const second = await store.rotate(first.refreshToken);
  const third = await store.rotate(second.refreshToken);
  expect(await codeOf(store.rotate(first.refreshToken))).toBe('refresh_token_reused');
  expect(await codeOf(store.rotate(third.refreshToken))).toBe('invalid_token');
  expect(await codeOf(store.rotate(second.refreshToken))).toBe('refresh_token_reused');
  const revoked = await pool.query('select 1 from revoked_sessions where session_id = $1',
    [first.familyId]);
  expect(revoked.rowCount).toBe(1);
  const other = await store.issue('user-3'); // Other sessions of the same user live on.
  expect(await codeOf(store.rotate(other.refreshToken))).toBe('fulfilled');
});

test('unknown, malformed, expired and revoked tokens are invalid_token', async () => {
  let now = Date.now();
  const store = new RefreshTokenStore({ pool, nowMs: () => now });
  expect(await codeOf(store.rotate('A'.repeat(43)))).toBe('invalid_token');
  for (const junk of ['', 'short', 'A'.repeat(44), `${'A'.repeat(42)}=`]) {
    expect(await codeOf(store.rotate(junk))).toBe('invalid_token');
  }
  const expiring = await store.issue('user-4');
  now += REFRESH_TOKEN_TTL_MS_DEFAULT;
  expect(await codeOf(store.rotate(expiring.refreshToken))).toBe('invalid_token');
  const revoked = await store.issue('user-4');
  await store.revokeFamily(revoked.familyId);
  expect(await codeOf(store.rotate(revoked.refreshToken))).toBe('invalid_token');
});

test('of two concurrent rotations of one token exactly one succeeds', async () => {
  const store = new RefreshTokenStore({ pool });
  for (let round = 0; round < 20; round += 1) {
    const { refreshToken } = await store.issue(`racer-${round}`);
    const outcomes = await Promise.all([
      codeOf(store.rotate(refreshToken)), codeOf(store.rotate(refreshToken)),
    ]);
    expect(outcomes.sort()).toEqual(['fulfilled', 'refresh_token_reused']);
  }
});

test('a token minted by a rotation that raced a revocation is refused', async () => {
  const store = new RefreshTokenStore({ pool });
  const first = await store.issue('user-5');
  const [rotated] = await Promise.all([
    store.rotate(first.refreshToken), store.revokeFamily(first.familyId),
  ].map((promise) => promise.catch(() => null)));
  if (rotated) expect(await codeOf(store.rotate(rotated.refreshToken))).toBe('invalid_token');
});

test('pruneExpired deletes expired tokens in bounded batches', async () => {
  let now = Date.now();
  const store = new RefreshTokenStore({ pool, nowMs: () => now, ttlMs: 1_000 });
  for (let i = 0; i < 3; i += 1) await store.issue('user-6');
  now += 2_000;
  expect(await store.pruneExpired(2)).toBe(2);
  expect(await store.pruneExpired(100)).toBeGreaterThanOrEqual(1);
  expect(await store.pruneExpired(100)).toBe(0);
});
