// Goal: refresh tokens rotate once each, only their hashes are stored, a reused (spent) token
// revokes its whole family and session, unknown/expired/revoked tokens are refused, of two
// concurrent rotations of one token exactly one succeeds, and a rotation racing a revocation
// leaves no token that rotates, whichever of the two takes the token's row first (the order
// is forced with a row lock, so both orders are asserted on every run).
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

/**
 * Runs `first` and then `second` while another transaction holds the token's row lock, each
 * started only once the one before is queued on that lock, then lets them go: they take the
 * row in that order, whatever the scheduler does, and both run on snapshots taken before
 * either committed, which is the race.
 */
async function queuedOnTokenRow<A, B>(
  familyId: string,
  first: { run: () => Promise<A>; sql: string },
  second: { run: () => Promise<B>; sql: string },
): Promise<[A, B]> {
  const blocker = await pool.connect();
  try {
    await blocker.query('begin');
    await blocker.query('select 1 from refresh_tokens where family_id = $1 for update', [familyId]);
    const firstDone = first.run();
    await waitUntilWaitingOnLock(first.sql);
    const secondDone = second.run();
    await waitUntilWaitingOnLock(second.sql);
    await blocker.query('commit');
    return [await firstDone, await secondDone];
  } finally {
    blocker.release();
  }
}

/** Until a statement containing `sql` waits for a lock in this test's database. */
async function waitUntilWaitingOnLock(sql: string): Promise<void> {
  for (let polls = 0; polls < 500; polls += 1) {
    const { rows } = await pool.query(
      `select 1 from pg_stat_activity where datname = current_database()
         and wait_event_type = 'Lock' and position($1 in query) > 0`, [sql]);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no statement containing ${JSON.stringify(sql)} waited for a lock`);
}

const ROTATE_STATEMENT = 'with spent as';
const REVOKE_STATEMENT = 'with recorded as';

test('a token minted by a rotation that raced a revocation is refused', async () => {
  const store = new RefreshTokenStore({ pool });
  const first = await store.issue('user-5');
  // The rotation takes the token first: it mints a successor while the revocation is under
  // way, and the family's revocation must still stop that successor.
  const [rotated] = await queuedOnTokenRow(
    first.familyId,
    { run: () => store.rotate(first.refreshToken), sql: ROTATE_STATEMENT },
    { run: () => store.revokeFamily(first.familyId), sql: REVOKE_STATEMENT },
  );
  expect(rotated.familyId).toBe(first.familyId);
  expect(await codeOf(store.rotate(rotated.refreshToken))).toBe('invalid_token');
});

test('a rotation that queued behind a revocation mints nothing', async () => {
  const store = new RefreshTokenStore({ pool });
  const first = await store.issue('user-7');
  const [, outcome] = await queuedOnTokenRow(
    first.familyId,
    { run: () => store.revokeFamily(first.familyId), sql: REVOKE_STATEMENT },
    { run: () => codeOf(store.rotate(first.refreshToken)), sql: ROTATE_STATEMENT },
  );
  expect(outcome).toBe('invalid_token');
  const { rows } = await pool.query(
    'select count(*)::int as tokens from refresh_tokens where family_id = $1', [first.familyId]);
  expect(rows).toEqual([{ tokens: 1 }]);
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
