// Goal: a logout recorded by one process is seen by another (same database) within a short
// bounded wait, survives restarts, survives a lost listener connection, ends the refresh
// family too, and holds with Redis flushed or down: Redis only ever speeds the check up.
import { createTestPool } from '../testing/test-pool';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { DomainError } from '../errors/domain-error';
import { createRedisClient } from '../adapters/cache/redis-client';
import { RedisCache } from '../adapters/cache/redis.cache';
import { createFreshDatabase, type FreshDatabase } from '../testing/fresh-database';
import { testEnv } from '../testing/test-env';
import { RefreshTokenStore } from './refresh-token.store';
import { SessionRevocation, type SessionRevocationOptions } from './session-revocation';

const redisUrl = testEnv.redisUrl();
const describeRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) process.stderr.write(`[session-revocation] Redis part skipped: ${testEnv.redisSkipReason()}\n`);

const quietLog = { info: () => {}, warn: () => {} };
const SEEN_WITHIN_MS = 2_000;
const inFifteenMinutes = () => new Date(Date.now() + 15 * 60_000);

let db: FreshDatabase;
let pool: Pool;
const started: SessionRevocation[] = [];

beforeAll(async () => {
  db = await createFreshDatabase();
  pool = createTestPool({ connectionString: db.url, max: 4 });
  // pool.end() resolves before its sockets have closed, and the database is then dropped
  // with force: a closing client may hear the termination. That is not a test failure.
  pool.on('error', () => {});
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((instance) => instance.stop()));
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function startInstance(extra: Partial<SessionRevocationOptions> = {}) {
  const instance = new SessionRevocation({
    pool, listenerDatabaseUrl: db.url, log: quietLog, ...extra,
  });
  await instance.start();
  started.push(instance);
  return instance;
}

/** Polls until `check` holds, failing after `withinMs`; returns the time it took. */
async function eventually(check: () => Promise<boolean>, withinMs = SEEN_WITHIN_MS) {
  const startedMs = Date.now();
  while (!(await check())) {
    if (Date.now() - startedMs > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - startedMs;
}

test('a revocation on one instance is seen by another within a bounded wait', async () => {
  const [first, second] = [await startInstance(), await startInstance()];
  const sessionId = randomUUID();
  const otherSession = randomUUID();
  expect(await second.isRevoked(sessionId)).toBe(false);
  await first.revoke(sessionId, inFifteenMinutes());
  expect(await first.isRevoked(sessionId)).toBe(true);
  expect(await eventually(() => second.isRevoked(sessionId))).toBeLessThan(SEEN_WITHIN_MS);
  expect(await second.isRevoked(otherSession)).toBe(false);
});

test('a revocation survives a restart (a new instance loads it)', async () => {
  const first = await startInstance();
  const sessionId = randomUUID();
  await first.revoke(sessionId, inFifteenMinutes());
  await first.stop();
  const restarted = await startInstance();
  expect(await restarted.isRevoked(sessionId)).toBe(true);
});

test('a listener that loses its connection reconnects, and misses no revocation', async () => {
  const reconnected: string[] = [];
  const log = { info: (_: unknown, message: string) => reconnected.push(message), warn: () => {} };
  const writer = await startInstance();
  const reader = await startInstance({ log });
  await pool.query(
    `select pg_terminate_backend(pid) from pg_stat_activity
     where datname = current_database() and application_name = 'tng-session-revocation'
       and pid <> pg_backend_pid()`);
  const whileDown = randomUUID();
  await writer.revoke(whileDown, inFifteenMinutes()); // Writes through the pool, not the listener.
  // Until the reader notices the loss, its set may miss this one; once it does, misses go to
  // Postgres, and after reconnecting the reload brings it in. Either way within the bound.
  await eventually(() => reader.isRevoked(whileDown));
  await eventually(async () => reconnected.includes('listener reconnected'), 10_000);
  const afterwards = randomUUID();
  await writer.revoke(afterwards, inFifteenMinutes());
  await eventually(() => reader.isRevoked(afterwards));
  expect(await reader.isRevoked(randomUUID())).toBe(false);
});

test('when the in-process set is full, checks fall back to Postgres', async () => {
  const writer = await startInstance();
  const reader = await startInstance({ entriesMax: 1 });
  const [first, second] = [randomUUID(), randomUUID()];
  await writer.revoke(first, inFifteenMinutes());
  await writer.revoke(second, inFifteenMinutes());
  await eventually(() => reader.isRevoked(first));
  expect(await reader.isRevoked(second)).toBe(true);
  expect(await reader.isRevoked(randomUUID())).toBe(false);
});

test('revocation expires with the last access token of the session', async () => {
  let now = Date.now();
  const instance = await startInstance({ nowMs: () => now });
  const sessionId = randomUUID();
  await instance.revoke(sessionId, new Date(now + 60_000));
  expect(await instance.isRevoked(sessionId)).toBe(true);
  now += 60_000;
  expect(await instance.isRevoked(sessionId)).toBe(false);
});

test('revoking a session also ends its refresh-token family', async () => {
  const store = new RefreshTokenStore({ pool });
  const instance = await startInstance();
  const { refreshToken, familyId } = await store.issue('user-1');
  await instance.revoke(familyId, inFifteenMinutes());
  const refused = await store.rotate(refreshToken).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(DomainError);
  expect((refused as DomainError).code).toBe('invalid_token');
});

test('refresh-token reuse on one instance revokes the session everywhere', async () => {
  const store = new RefreshTokenStore({ pool });
  const instance = await startInstance();
  const first = await store.issue('user-2');
  await store.rotate(first.refreshToken);
  await store.rotate(first.refreshToken).catch(() => {});
  await eventually(() => instance.isRevoked(first.familyId));
});

test('with Redis down, revoke and isRevoked still work from Postgres and memory', async () => {
  const client = createRedisClient('redis://127.0.0.1:1', quietLog);
  try {
    const sharedCache = new RedisCache({ client, callTimeoutMs: 5_000 });
    const [first, second] = [
      await startInstance({ sharedCache }), await startInstance({ sharedCache }),
    ];
    const sessionId = randomUUID();
    await first.revoke(sessionId, inFifteenMinutes());
    await eventually(() => second.isRevoked(sessionId));
    expect(await second.isRevoked(randomUUID())).toBe(false);
  } finally {
    client.disconnect();
  }
});

describeRedis('with a real Redis', () => {
  let client: Redis;
  let keyPrefix: string;
  beforeEach(async () => {
    client = createRedisClient(redisUrl!, quietLog);
    if (client.status !== 'ready') await once(client, 'ready');
    keyPrefix = `tng-test:${randomBytes(6).toString('hex')}:`;
  });
  afterEach(() => client.quit());

  test('logout writes the Redis key with the revocation ttl', async () => {
    const sharedCache = new RedisCache({ client, keyPrefix, callTimeoutMs: 5_000 });
    const instance = await startInstance({ sharedCache });
    const sessionId = randomUUID();
    await instance.revoke(sessionId, new Date(Date.now() + 60_000));
    const key = `${keyPrefix}revoked-session:${sessionId}`;
    expect(await client.get(key)).toBe('1');
    expect(await client.pttl(key)).toBeGreaterThan(50_000);
  });

  test('with the Redis keys flushed, the revocation still holds', async () => {
    const sharedCache = new RedisCache({ client, keyPrefix, callTimeoutMs: 5_000 });
    const first = await startInstance({ sharedCache });
    const second = await startInstance({ sharedCache });
    const sessionId = randomUUID();
    await first.revoke(sessionId, inFifteenMinutes());
    // Flush only this test's keys: other test files share the server.
    const keys = await client.keys(`${keyPrefix}*`);
    expect(keys.length).toBe(1);
    await client.del(...keys);
    await eventually(() => second.isRevoked(sessionId));
    const restarted = await startInstance({ sharedCache });
    expect(await restarted.isRevoked(sessionId)).toBe(true);
  });
});
