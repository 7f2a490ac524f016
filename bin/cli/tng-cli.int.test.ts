// Goal: the operator commands work end to end as a user runs them: the real `tng` binary in a child
// process, against a fresh database seeded through the real deciders. Checks the exit codes of
// docs/operations.md (0 success, 1 a check failed, 2 bad usage), that --json prints one parseable
// document, that a tampered event is named by stream and version, and the replayed balance. Child
// runs are few, since each pays for tsx's start-up.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import { domainEventCodec } from '../../shared/domain/event-codec';
import { createFreshDatabase, type FreshDatabase } from '../../shared/testing/fresh-database';
import {
  ADJUSTED_MINOR, ALICE, AMIRA, AMIRA_EMAIL, BOB, seedLedger, TRANSFERRED_MINOR,
} from '../../shared/audit/testing/ledger-seed';

const ROOT = path.resolve(__dirname, '../..');
const CHILD_TIMEOUT_MS = 60_000;
const SEEDED_EVENTS = 8;

type Run = { code: number; stdout: string; stderr: string };

let database: FreshDatabase;

function tng(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/tng.cjs', ...args], {
      cwd: ROOT,
      timeout: CHILD_TIMEOUT_MS,
      env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** --json output must be exactly one JSON document. */
const json = (run: Run): Record<string, unknown> =>
  JSON.parse(run.stdout) as Record<string, unknown>;

beforeAll(async () => {
  database = await createFreshDatabase();
  const store = new PostgresEventStore({
    connection: { url: database.url }, codec: domainEventCodec,
  });
  try {
    await seedLedger(store);
  } finally {
    await store.close();
  }
}, CHILD_TIMEOUT_MS);

afterAll(async () => {
  await database?.drop();
});

describe('projections', () => {
  test('rebuild wallets applies the log, then verify finds it identical', async () => {
    const rebuilt = await tng('projections', 'rebuild', 'wallets', '--json');
    expect(rebuilt).toEqual(expect.objectContaining({ code: 0 }));
    expect(json(rebuilt)).toEqual(expect.objectContaining({
      projection: 'wallets', applied: SEEDED_EVENTS,
    }));
    const verified = await tng('projections', 'verify', 'wallets');
    expect(verified.stdout).toContain('wallets: identical');
    expect(verified.code).toBe(0);
  }, 2 * CHILD_TIMEOUT_MS);

  test('status shows the rebuilt projection at the head, and an unknown name is bad usage',
    async () => {
      const status = await tng('projections', 'status', '--json');
      expect(status.code).toBe(0);
      const report = json(status) as { head: string; projections: Record<string, unknown>[] };
      expect(report.projections).toContainEqual(expect.objectContaining({
        name: 'wallets', position: report.head, lag: 0,
      }));
      const unknown = await tng('projections', 'rebuild', 'wallet');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('valid names: wallets, transfers, users');
    }, 2 * CHILD_TIMEOUT_MS);
});

describe('audit replay', () => {
  test('replays a wallet to its final balance; an unknown wallet exits 1', async () => {
    const replay = await tng('audit', 'replay', '--wallet', ALICE, '--json');
    expect(replay.code).toBe(0);
    const view = json(replay) as { steps: unknown[]; final: Record<string, string> };
    expect(view.steps).toHaveLength(3);
    expect(view.final).toEqual(expect.objectContaining({
      balance: (ADJUSTED_MINOR - TRANSFERRED_MINOR).toString(), held: '0', version: '3',
    }));
    const missing = await tng('audit', 'replay', '--wallet', 'w-nobody');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('wallet w-nobody not found');
  }, 2 * CHILD_TIMEOUT_MS);
});

describe('users grant-role', () => {
  test('grants once, then changes nothing; unknown role 2, unknown user 1', async () => {
    const granted = await tng('users', 'grant-role', AMIRA_EMAIL.toUpperCase(), 'admin', '--json');
    expect(granted.code).toBe(0);
    expect(json(granted)).toEqual({ userId: AMIRA, email: AMIRA_EMAIL, role: 'admin', changed: true });
    const again = await tng('users', 'grant-role', AMIRA_EMAIL, 'admin');
    expect(again).toEqual(expect.objectContaining({ code: 0 }));
    expect(again.stdout).toContain('nothing changed');
    const wizard = await tng('users', 'grant-role', AMIRA_EMAIL, 'wizard');
    expect(wizard.code).toBe(2);
    expect(wizard.stderr).toContain('valid roles: customer, merchant, admin, auditor');
    const stranger = await tng('users', 'grant-role', 'nobody@example.com', 'admin');
    expect(stranger.code).toBe(1);
  }, 4 * CHILD_TIMEOUT_MS);
});

describe('audit verify', () => {
  test('passes every check on the seeded ledger, then names a tampered event', async () => {
    const clean = await tng('audit', 'verify', '--json');
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    const report = json(clean) as { ok: boolean; checks: { check: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.check)).toEqual([
      'hash-chains', 'decodable', 'conservation', 'non-negative-balances', 'double-entry',
      'plan-limits', 'stripe-clearing', 'read-model-drift',
    ]);
    await tamperWithBobsCredit();
    const tampered = await tng('audit', 'verify');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('FAILED  hash-chains');
    expect(tampered.stdout).toContain(`stream wallet-${BOB} version 2`);
    expect(tampered.stdout).toContain('MYR +100');
  }, 2 * CHILD_TIMEOUT_MS);
});

/** What an attacker with superuser rights could do: disable the guard and rewrite a row. */
async function tamperWithBobsCredit(): Promise<void> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('alter table events disable trigger events_append_only');
    await client.query(
      `update events set data = jsonb_set(data, '{amountMinor}', to_jsonb($2::text))
        where stream_id = $1 and stream_version = 2`,
      [`wallet-${BOB}`, (TRANSFERRED_MINOR + 100n).toString()],
    );
    await client.query('alter table events enable always trigger events_append_only');
  } finally {
    await client.end();
  }
}
