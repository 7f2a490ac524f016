// Goal: the CLI's exit codes (0 success, 1 a check failed or not found, 2 bad usage) do not
// depend on who runs Postgres. The real `node bin/tng.cjs` runs against one temporary
// DATA_DIR, first beside a running `tng serve` (the CLI attaches to its embedded Postgres),
// then alone (the CLI starts and stops the embedded Postgres itself: today every failure
// there exits 0), and finally against DATABASE_URL on a fresh, unmigrated database. Each way,
// a tampered event fails `audit verify`, a stray read-model row fails `projections verify`,
// and an unknown wallet or e-mail is "not found": all exit 1. Also `tng --version`, `tng db
// url` (usable by a client, and exit 1 when the embedded Postgres is not running) and
// `tng migrate --json` (one JSON document naming the migrations applied).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import { shippedMigrations } from '../../shared/adapters/postgres/migrate';
import { readPostmasterLock } from '../../shared/adapters/postgres/postmaster-pid';
import { AMIRA_EMAIL, BOB, seedLedger } from '../../shared/audit/testing/ledger-seed';
import { domainEventCodec } from '../../shared/domain/event-codec';
import { databaseUrl, testEnv } from '../../shared/testing/test-env';
import {
  cleanEnv, freePort, isReady, isRunning, killQuietly, ROOT, spawnGroup, tng, waitFor, type Run,
  type Spawned,
} from '../support/processes';

const READY_WAIT_MS_MAX = 45_000;
const dataDir = mkdtempSync(path.join(tmpdir(), 'tng-e2e-cli-'));
const embeddedEnv = cleanEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
let server: Spawned | undefined;

jest.setTimeout(180_000);

afterAll(() => {
  if (server?.child.pid) killQuietly(-server.child.pid, 'SIGKILL');
  killQuietly(readPostmasterLock(path.join(dataDir, 'postgres'))?.pid, 'SIGQUIT');
  rmSync(dataDir, { recursive: true, force: true });
});

/** A seeded ledger with one event rewritten and one read-model row that no event made. */
async function seedAndDamage(url: string): Promise<void> {
  const store = new PostgresEventStore({ connection: { url }, codec: domainEventCodec });
  try {
    await seedLedger(store);
  } finally {
    await store.close();
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('alter table events disable trigger events_append_only');
    await client.query(
      `update events set data = jsonb_set(data, '{amountMinor}', to_jsonb('999'::text))
        where stream_id = $1 and stream_version = 2`, [`wallet-${BOB}`]);
    await client.query('alter table events enable always trigger events_append_only');
    await client.query(
      `insert into rm_wallets (wallet_id, owner_id, kind, system_account, currency, balance,
         held, status, version, opened_at, updated_at)
       values ('w-ghost', 'u-ghost', 'user', null, 'MYR', 1, 0, 'active', 1, now(), now())`);
  } finally {
    await client.end();
  }
}

const failingCommands = [
  ['audit', 'verify', '--json'],
  ['projections', 'verify', 'wallets'],
  ['audit', 'replay', '--wallet', 'w-nope'],
  ['users', 'grant-role', 'nobody@example.com', 'admin'],
] as const;

/** Each failing command with its exit code; the report of audit verify says why. */
function expectAllFailed(runs: readonly Run[]): void {
  expect(runs.map((run) => run.code)).toEqual([1, 1, 1, 1]);
  const [verify, projection, replay, grant] = runs as [Run, Run, Run, Run];
  expect(JSON.parse(verify.stdout)).toEqual(expect.objectContaining({ ok: false }));
  expect(projection.stdout).toMatch(/^wallets: \d+ tables differ from a rebuild/);
  expect(replay.stderr).toContain('wallet w-nope not found');
  expect(grant.stderr).toContain('no user is registered with e-mail nobody@example.com');
}

describe('issue 8, point 7: The CLI tells the truth without a server', () => {
  test('tng --version prints the version of package.json', async () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as
      { version: string };
    const run = await tng(embeddedEnv, '--version');
    expect(run).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  test('beside a running server, the CLI attaches to its Postgres and failures exit 1',
    async () => {
      const port = await freePort();
      server = spawnGroup(process.execPath, ['bin/tng.cjs', 'serve'],
        cleanEnv({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' }));
      await waitFor('the server', () => isReady(`http://127.0.0.1:${port}`), READY_WAIT_MS_MAX);
      try {
        const url = await tng(embeddedEnv, 'db', 'url');
        expect(url.code).toBe(0);
        await seedAndDamage(url.stdout.trim());
        const runs = await Promise.all(failingCommands.map((args) => tng(embeddedEnv, ...args)));
        expectAllFailed(runs);
        const migrated = await tng(embeddedEnv, 'migrate', '--json');
        expect(migrated.code).toBe(0);
        expect(JSON.parse(migrated.stdout)).toEqual({ applied: [] });
      } finally {
        const exited = new Promise((resolve) => server?.child.once('exit', resolve));
        server.child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
      server = undefined;
    });

  test('with no server, the CLI starts Postgres itself and exits 1 all the same', async () => {
    const url = await tng(embeddedEnv, 'db', 'url');
    expect(url.code).toBe(1);
    expect(url.stderr).toContain('is not running');
    const runs: Run[] = [];
    for (const args of failingCommands) runs.push(await tng(embeddedEnv, ...args));
    expectAllFailed(runs);
    // Success and bad usage keep their codes too, and no Postgres is left running.
    expect((await tng(embeddedEnv, 'users', 'grant-role', AMIRA_EMAIL, 'admin')).code).toBe(0);
    expect((await tng(embeddedEnv, 'projections', 'verify', 'nope')).code).toBe(2);
    const lock = readPostmasterLock(path.join(dataDir, 'postgres'));
    expect(lock === undefined || !isRunning(lock.pid)).toBe(true);
  });

  test('with DATABASE_URL, migrate --json names what it applied and failures exit 1',
    async () => {
      const adminUrl = testEnv.adminUrl();
      const name = `tng_p7_${process.pid}_${Date.now().toString(36)}`;
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
        const env = cleanEnv({ DATABASE_URL: databaseUrl(adminUrl, name), LOG_LEVEL: 'warn' });
        const migrated = await tng(env, 'migrate', '--json');
        expect(migrated.code).toBe(0);
        expect(JSON.parse(migrated.stdout)).toEqual({ applied: shippedMigrations() });
        const url = await tng(env, 'db', 'url');
        expect(url).toEqual(expect.objectContaining({
          code: 0, stdout: `${databaseUrl(adminUrl, name)}\n`,
        }));
        await seedAndDamage(databaseUrl(adminUrl, name));
        expectAllFailed(await Promise.all(failingCommands.map((args) => tng(env, ...args))));
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    });
});
