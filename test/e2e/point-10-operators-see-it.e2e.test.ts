// Goal: operators can see the system (docs/operations.md "Watching it"). On a fresh app,
// before any command, /metrics already has every command × outcome series at 0 (outcomes
// named `ok` or by their rejection code, never by HTTP status), and the database pool,
// append and projector series exist. An insufficient-funds transfer and a limit-exceeded
// transfer (both 422) each add exactly 1 to their own outcome. After commands, append
// batches, checkouts and projector batches have been measured. And `tng projections verify`
// names the read-model row an operator tampered with, by key, with its live and rebuilt
// values, in its text and in --json.
import { Client } from 'pg';
import packageJson from '../../package.json';
import { ERROR_CODES } from '../../shared/errors/codes';
import { PROJECTION_NAMES } from '../../shared/read-models/read-model-names';
import { call, fund, openWallet, signUp, transfer, withRole, type User } from '../support/api';
import { aProblem, CLI_TIMEOUT_MS, eventually, problemOf, runTng } from '../support/ledger-checks';
import { parseSamples, sampleValue, type Sample } from '../support/prometheus-text';
import { startTestApp, type TestApp } from '../support/test-app';

/** Every command the API runs (docs/api.md), as tng_commands_total names it. */
const COMMANDS = [
  'register', 'grant_role', 'open_wallet', 'freeze_wallet', 'unfreeze_wallet', 'adjustment',
  'transfer', 'payment', 'place_hold', 'capture_hold', 'release_hold',
];
const OUTCOMES = ['ok', ...Object.keys(ERROR_CODES)];
const POOL_SIZE_MAX = 16; // What startTestApp configures (DB_POOL_SIZE_MAX).
// As `tng serve` runs by default: the API thread's pool and the background thread's, each of
// DB_POOL_SIZE_MAX, and one /metrics for both threads (build info still counted once).
const POOLS = 2;
const TAMPER_MINOR = 7n;
// Explicit: the machine running the suite may be busy, and jest's default is 5 s.
const STEP_TIMEOUT_MS = 30_000;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { BACKGROUND_THREAD: 'on' } });
}, STEP_TIMEOUT_MS);
afterAll(() => app?.stop(), STEP_TIMEOUT_MS);

async function scrape(): Promise<Sample[]> {
  const reply = await call(app, 'GET', '/metrics');
  expect(reply.status).toBe(200);
  return parseSamples(reply.text);
}

const commandCount = (samples: readonly Sample[], command: string, outcome: string) =>
  sampleValue(samples, 'tng_commands_total', { command, outcome });

describe('issue 8, point 10: Operators can see it', () => {
  test('before any command, every series exists: commands by outcome at 0', async () => {
    const samples = await scrape();

    const notZero = COMMANDS.flatMap((command) =>
      OUTCOMES.filter((outcome) => commandCount(samples, command, outcome) !== 0)
        .map((outcome) => `${command}/${outcome}`));
    expect(notZero).toEqual([]);
    const outcomes = samples
      .filter((sample) => sample.name === 'tng_commands_total')
      .map((sample) => sample.labels.outcome);
    expect(outcomes.filter((outcome) => !OUTCOMES.includes(outcome!))).toEqual([]);
    for (const command of COMMANDS) {
      expect(sampleValue(samples, 'tng_version_conflicts_total', { command })).toBe(0);
      for (const mode of ['optimistic', 'pessimistic']) {
        expect(sampleValue(samples, 'tng_command_retries_total', { command, mode })).toBe(0);
      }
    }
    expect(sampleValue(samples, 'tng_events_appended_total', { type: 'TransferRejected' }))
      .toBe(0);
    expect(sampleValue(samples, 'tng_rate_limited_total', { route: '/v1/transfers' })).toBe(0);
    expect(sampleValue(samples, 'tng_build_info', {
      version: packageJson.version, node: process.version,
    })).toBe(1);

    expect(sampleValue(samples, 'tng_db_pool_connections_max')).toBe(POOLS * POOL_SIZE_MAX);
    for (const name of [
      'tng_db_pool_connections', 'tng_db_pool_idle_connections', 'tng_db_pool_waiting_requests',
      'tng_db_pool_checkout_wait_seconds_count', 'tng_append_duration_seconds_count',
      'tng_append_batch_size_count', 'tng_append_batch_duration_seconds_count',
    ]) {
      expect([name, sampleValue(samples, name)]).toEqual([name, expect.any(Number)]);
    }
    for (const projection of PROJECTION_NAMES) {
      for (const name of [
        'tng_projector_batch_events_count', 'tng_projector_batch_duration_seconds_count',
        'tng_projection_lag_events', 'tng_projection_position',
      ]) {
        const value = sampleValue(samples, name, { projection });
        expect([name, projection, value]).toEqual([name, projection, expect.any(Number)]);
      }
    }
  }, STEP_TIMEOUT_MS);

  test('an insufficient-funds and a limit-exceeded transfer count under their own codes',
    async () => {
      const { payer, source, target, admin } = await twoCustomers();
      expect((await fund(app, admin, source, '50000')).status).toBe(201); // RM 500
      const before = await scrape();

      // RM 800: under the FREE plan's RM 1,000 per transfer, over the balance.
      const poor = await transfer(app, payer, transferOf(source, target, '80000'));
      expect(problemOf(poor)).toEqual(aProblem(422, 'insufficient_funds'));
      expect((await fund(app, admin, source, '150000')).status).toBe(201); // RM 2,000 now
      // RM 1,500: covered by the balance, over the RM 1,000 per-transfer limit.
      const over = await transfer(app, payer, transferOf(source, target, '150000'));
      expect(problemOf(over)).toEqual(aProblem(422, 'limit_exceeded'));

      const after = await scrape();
      const delta = (outcome: string) =>
        commandCount(after, 'transfer', outcome)! - commandCount(before, 'transfer', outcome)!;
      expect(delta('insufficient_funds')).toBe(1);
      expect(delta('limit_exceeded')).toBe(1);
      expect(delta('ok')).toBe(0);
      expect(commandCount(after, 'transfer', '422')).toBeUndefined();
      expect(
        commandCount(after, 'adjustment', 'ok')! - commandCount(before, 'adjustment', 'ok')!,
      ).toBe(1);
    }, STEP_TIMEOUT_MS);

  test('appends, group-commit batches, checkouts and projector batches are measured',
    async () => {
      const samples = await eventually(async () => {
        const scraped = await scrape();
        const applied = sampleValue(
          scraped, 'tng_projector_batch_events_count', { projection: 'wallets' },
        );
        return applied! > 0 ? scraped : undefined;
      }, 'a wallets projector batch measured', STEP_TIMEOUT_MS / 2);
      for (const name of [
        'tng_append_duration_seconds_count', 'tng_append_batch_size_count',
        'tng_append_batch_duration_seconds_count', 'tng_db_pool_checkout_wait_seconds_count',
        'tng_db_pool_connections',
      ]) {
        expect([name, sampleValue(samples, name)! > 0]).toEqual([name, true]);
      }
      expect(sampleValue(samples, 'tng_projector_batch_events_sum', { projection: 'wallets' }))
        .toBeGreaterThan(0);
    }, STEP_TIMEOUT_MS);

  test('projections verify names the tampered read-model row, live vs rebuilt', async () => {
    const { payer, source, admin } = await twoCustomers();
    const funded = await fund(app, admin, source, '12345');
    expect(funded.status).toBe(201);
    // The wallets read model has applied the funding before we tamper with it.
    await eventually(async () => {
      const view = await call(app, 'GET', `/v1/wallets/${source}`, { token: payer.token });
      return view.body?.balance === '12345' ? true : undefined;
    }, 'the funding in the wallets read model', STEP_TIMEOUT_MS / 2);
    await tamperBalance(source, TAMPER_MINOR);

    const json = await runTng(app.db.url, 'projections', 'verify', 'wallets', '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      identical: boolean;
      differences: Array<{ table: string; rowsTotal: number; rows: unknown[] }>;
    };
    expect(report.identical).toBe(false);
    expect(report.differences).toEqual([{
      table: 'rm_wallets', onlyInLive: 1, onlyInRebuild: 1, rowsTotal: 1,
      rows: [{
        key: { wallet_id: source },
        kind: 'changed',
        columns: { balance: { live: (12345n + TAMPER_MINOR).toString(), rebuilt: '12345' } },
      }],
    }]);

    const human = await runTng(app.db.url, 'projections', 'verify', 'wallets');
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(
      `wallet_id=${source}: balance ${12345n + TAMPER_MINOR} (live) vs 12345 (rebuilt)`,
    );
  }, 3 * CLI_TIMEOUT_MS);
});

async function twoCustomers(): Promise<{
  admin: User; payer: User; source: string; target: string;
}> {
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const payer = await signUp(app, 'payer');
  const source = await openWallet(app, payer);
  const target = await openWallet(app, await signUp(app, 'payee'));
  return { admin, payer, source, target };
}

const transferOf = (sourceWalletId: string, targetWalletId: string, amount: string) =>
  ({ sourceWalletId, targetWalletId, amount });

/** What an operator's stray UPDATE would do to the read model. */
async function tamperBalance(walletId: string, byMinor: bigint): Promise<void> {
  const client = new Client({ connectionString: app.db.url });
  await client.connect();
  try {
    const updated = await client.query(
      'update rm_wallets set balance = balance + $2 where wallet_id = $1',
      [walletId, byMinor.toString()],
    );
    expect(updated.rowCount).toBe(1);
  } finally {
    await client.end();
  }
}
