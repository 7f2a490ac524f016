// Issue 8, point 2: no secret leaves the server. The server starts on a database as the
// previous release left it, with a user whose password hashes are inside version 1 events
// (registered, then password changed), and upgrades it. Then, as an auditor, every route that
// returns user data is read for that user and for users registered after the upgrade: no
// response holds a password hash. New registrations keep the hash out of the event log, old
// events are stored unchanged (their hashes only left out on the way out), every user can
// still log in, and `tng audit verify` still finds every hash chain intact.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import { EMAIL_CLAIM_SCOPE } from '../../command-api/src/handlers/user.handlers';
import { hashPassword } from '../../shared/auth/password-hasher';
import { insertRawEvents } from '../../shared/testing/raw-events';
import { call, logIn, PASSWORD, signUp, withRole, type Reply, type User } from '../support/api';
import { createDatabaseBefore } from '../support/database-before';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = path.resolve(__dirname, '../..');
const CLI_TIMEOUT_MS = 60_000;
const OLD_PASSWORD = 'the password before the change';
const LEGACY_ID = randomUUID();
const LEGACY_EMAIL = `legacy-${LEGACY_ID.slice(0, 8)}@example.com`;

let app: TestApp;
let pool: Pool;
const legacyHashes: string[] = [];

/**
 * What the previous release appended at registration and at a password change, written as
 * its append function left it (events with their hash chain, the stream head, the e-mail
 * claim): the store of today speaks to the append function of today, which an old database
 * does not have until it is migrated.
 */
async function seedLegacyUser(databaseUrl: string): Promise<void> {
  legacyHashes.push(await hashPassword(OLD_PASSWORD), await hashPassword(PASSWORD));
  const [registeredHash, changedHash] = legacyHashes;
  const metadata = { occurredAt: new Date().toISOString(), actorId: LEGACY_ID };
  const streamId = `user-${LEGACY_ID}`;
  const events = [
    {
      eventId: randomUUID(), type: 'UserRegistered', schemaVersion: 1, metadata,
      data: { userId: LEGACY_ID, email: LEGACY_EMAIL, name: 'Legacy', passwordHash: registeredHash },
    },
    {
      eventId: randomUUID(), type: 'UserPasswordChanged', schemaVersion: 1, metadata,
      data: { userId: LEGACY_ID, passwordHash: changedHash },
    },
  ];
  const legacy = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const client = await legacy.connect();
    try {
      await client.query('begin');
      await insertRawEvents(client, streamId, events);
      await client.query(
        'insert into unique_claims (scope, value, owner_id) values ($1, $2, $3)',
        [EMAIL_CLAIM_SCOPE, LEGACY_EMAIL, LEGACY_ID],
      );
      await client.query('commit');
    } finally {
      client.release();
    }
  } finally {
    await legacy.end();
  }
}

function tng(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/tng.cjs', ...args], {
      cwd: ROOT,
      timeout: CLI_TIMEOUT_MS,
      env: { ...process.env, DATABASE_URL: app.db.url, LOG_LEVEL: 'warn' },
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const database = await createDatabaseBefore('0006_credentials');
  await seedLegacyUser(database.url);
  app = await startTestApp({ database });
  pool = new Pool({ connectionString: app.db.url, max: 2 });
}, CLI_TIMEOUT_MS);

afterAll(async () => {
  await pool?.end();
  await app?.stop();
});

const storedHashes = async (): Promise<string[]> =>
  (await pool.query<{ password_hash: string }>('select password_hash from credentials'))
    .rows.map((row) => row.password_hash);

/** Every response body an auditor, or the user, can get that says something about users. */
async function userDataResponses(auditor: User, users: readonly User[]): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const user of users) {
    const { userId, email } = user;
    replies.push(
      await call(app, 'GET', '/v1/me', { token: user.token }),
      await call(app, 'GET', `/v1/audit/streams/user-${userId}`, { token: auditor.token }),
      await call(app, 'GET', `/v1/audit/streams/user-${userId}?limit=1`, { token: auditor.token }),
      await call(app, 'GET', `/v1/audit/wallets?ownerId=${userId}`, { token: auditor.token }),
      await call(app, 'GET', `/v1/audit/wallets?ownerEmail=${encodeURIComponent(email)}`, {
        token: auditor.token,
      }),
      await call(app, 'GET', '/v1/wallets', { token: user.token }),
      await call(app, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } }),
      await call(app, 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
    );
  }
  return replies;
}

describe('issue 8, point 2: no secret leaves the server', () => {
  test('users from before the upgrade and after it log in with their current password', async () => {
    const fresh = await signUp(app, 'fresh');
    expect(fresh.token).toEqual(expect.any(String));
    const legacy = await logIn(app, LEGACY_EMAIL, LEGACY_ID);
    expect(legacy.token).toEqual(expect.any(String));
    const stale = await call(app, 'POST', '/v1/auth/login', {
      body: { email: LEGACY_EMAIL, password: OLD_PASSWORD },
    });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('invalid_credentials');
    const wrong = await call(app, 'POST', '/v1/auth/login', {
      body: { email: fresh.email, password: OLD_PASSWORD },
    });
    expect(wrong.status).toBe(401);
  });

  test('new registrations keep the hash out of the event log', async () => {
    const user = await signUp(app, 'newcomer');
    const stored = await pool.query<{ type: string; schema_version: number; data: object }>(
      'select type, schema_version, data from events where stream_id = $1',
      [`user-${user.userId}`],
    );
    expect(stored.rows).toEqual([{
      type: 'UserRegistered',
      schema_version: 2,
      data: { userId: user.userId, email: user.email, name: 'newcomer', passwordSet: true },
    }]);
    const credential = await pool.query<{ password_hash: string }>(
      'select password_hash from credentials where user_id = $1', [user.userId]);
    expect(credential.rows[0]?.password_hash).toMatch(/^scrypt\$/);
  });

  test('no route returns a password hash, not even to an auditor', async () => {
    const auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
    const customer = await signUp(app, 'customer');
    const legacy = await logIn(app, LEGACY_EMAIL, LEGACY_ID);
    const replies = await userDataResponses(auditor, [auditor, customer, legacy]);
    // The routes this point is about answer; the others may not exist yet, but whatever
    // they answer is scanned too.
    expect(replies.filter((reply) => reply.status === 200).length).toBeGreaterThanOrEqual(15);
    const legacyStream = replies[1];
    expect(legacyStream?.status).toBe(200);
    for (const reply of replies) {
      expect(reply.text).not.toMatch(/scrypt|passwordHash|password_hash/i);
    }
    // Not even the derived key alone, in any encoding of the response.
    const hashes = [...legacyHashes, ...(await storedHashes())];
    expect(hashes.length).toBeGreaterThanOrEqual(5);
    const keys = hashes.map((hash) => hash.split('$').at(-1) ?? hash);
    for (const reply of replies) for (const key of keys) expect(reply.text).not.toContain(key);
    const legacyAudit = await call(app, 'GET', `/v1/audit/streams/user-${LEGACY_ID}`, {
      token: auditor.token,
    });
    expect(legacyAudit.body.items.map((item: { data: unknown }) => item.data)).toEqual([
      { userId: LEGACY_ID, email: LEGACY_EMAIL, name: 'Legacy', passwordSet: true },
      { userId: LEGACY_ID },
    ]);
    const readModel = await pool.query('select * from rm_users');
    expect(JSON.stringify(readModel.rows)).not.toMatch(/scrypt/);
  });

  test('old events are stored unchanged and every hash chain still verifies', async () => {
    const stored = await pool.query<{ hash: string | null }>(
      `select data ->> 'passwordHash' as hash from events where stream_id = $1
        order by stream_version`,
      [`user-${LEGACY_ID}`],
    );
    expect(stored.rows.map((row) => row.hash)).toEqual(legacyHashes);
    expect(await app.server.runtime.store.verifyStreams()).toMatchObject({ ok: true });
    const verify = await tng('audit', 'verify', '--json');
    expect(verify.code).toBe(0);
    const report = JSON.parse(verify.stdout) as { ok: boolean; checks: { check: string }[] };
    expect(report).toMatchObject({ ok: true });
    expect(report.checks.map((check) => check.check)).toContain('hash-chains');
    expect(verify.stdout).not.toMatch(/scrypt/);
  }, CLI_TIMEOUT_MS);
});
