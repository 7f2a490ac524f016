// Goal: with BACKGROUND_THREAD=on (how `tng serve` runs an API and the background services
// together by default, docs/operations.md), the projector and the sagas do their work off the
// API's event loop. Proof: while this thread (the API's: the test app runs in it) is blocked,
// a transfer made just before is projected anyway, which cannot happen on the blocked loop.
// The thread blocks in synchronous child processes that read the checkpoints, until they
// reach the transfer or BLOCK_MS_MAX passes (the projector of an inline app never would).
// /metrics still shows both threads as one process (projector series from the background
// thread, build info once), and a stop leaves no connection behind.
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { decodePosition } from '../../shared/ports/event-store.port';
import { PROJECTION_NAMES } from '../../shared/read-models/read-model-names';
import { call, fund, openWallet, signUp, transfer, withRole } from '../support/api';
import { eventually } from '../support/ledger-checks';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { startTestApp, type TestApp } from '../support/test-app';

const BLOCK_MS_MAX = 20_000;
const STEP_TIMEOUT_MS = 60_000;

/** Whether both checkpoints reached `token`, read by a child process this thread waits for. */
function projectedSync(databaseUrl: string, token: string): boolean {
  const script = `
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query(
      "select count(*)::int as n from projection_checkpoints where name in ('wallets', 'transfers')"
      + " and (transaction_id, global_position) >= ($1::bigint, $2::bigint)", process.argv.slice(2)))
      .then((r) => { process.stdout.write(String(r.rows[0].n)); return c.end(); });`;
  const position = decodePosition(token)!;
  const result = spawnSync(process.execPath, ['-e', script, databaseUrl,
    position.transactionId.toString(), position.globalPosition.toString()], { encoding: 'utf8' });
  return result.stdout === '2';
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { BACKGROUND_THREAD: 'on' } });
}, STEP_TIMEOUT_MS);
afterAll(() => app?.stop(), STEP_TIMEOUT_MS);

test('a transfer is projected while the API thread is blocked', async () => {
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const payer = await signUp(app, 'payer');
  const source = await openWallet(app, payer);
  const target = await openWallet(app, await signUp(app, 'payee'));
  expect((await fund(app, admin, source, '5000')).status).toBe(201);
  const sent = await transfer(app, payer, { sourceWalletId: source, targetWalletId: target,
    amount: '1250' });
  expect(sent.status).toBe(201);
  const token = sent.headers.get('x-ledger-position') ?? '';
  expect(decodePosition(token)).not.toBeNull();
  // Nothing on this thread runs meanwhile: not a timer, not a socket read.
  const until = Date.now() + BLOCK_MS_MAX;
  let projected = false;
  while (!projected && Date.now() < until) projected = projectedSync(app.db.url, token);
  expect(projected).toBe(true);
  const balance = await call(app, 'GET', `/v1/wallets/${target}`, { token: admin.token });
  expect(balance.body.balance).toBe('1250');
}, STEP_TIMEOUT_MS);

test('/metrics shows the background thread\'s series beside this thread\'s, once', async () => {
  await eventually(async () => {
    const samples = parseSamples((await call(app, 'GET', '/metrics')).text);
    return PROJECTION_NAMES.every((projection) =>
      (sampleValue(samples, 'tng_projection_position', { projection }) ?? 0) > 0) || undefined;
  }, 'every projection reported a position', 10_000);
  const samples = parseSamples((await call(app, 'GET', '/metrics')).text);
  const buildInfo = samples.filter((sample) => sample.name === 'tng_build_info');
  expect(buildInfo.map((sample) => sample.value)).toEqual([1]);
  const rss = samples.filter((sample) => sample.name === 'process_resident_memory_bytes');
  expect(rss).toHaveLength(1);
  expect(sampleValue(samples, 'http_request_duration_seconds_count', {
    method: 'POST', route: '/v1/transfers', status_code: '201',
  })).toBeGreaterThan(0);
}, STEP_TIMEOUT_MS);

test('a stop ends both threads\' connections', async () => {
  const admin = new Client({ connectionString: app.db.url });
  await admin.connect();
  const database = admin.database!;
  await admin.end();
  await app.server.stop();
  const probe = new Client({ connectionString: app.db.url.replace(/\/[^/]*$/, '/postgres') });
  await probe.connect();
  try {
    const left = await probe.query<{ count: string }>(
      'select count(*) from pg_stat_activity where datname = $1', [database]);
    expect(Number(left.rows[0]!.count)).toBe(0);
  } finally {
    await probe.end();
  }
}, STEP_TIMEOUT_MS);
