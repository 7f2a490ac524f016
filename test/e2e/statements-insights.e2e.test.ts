// Issue 10, part 7: a month seeded through the real HTTP API (an admin credit, transfers both
// ways, payments to a merchant with category keywords, a refused transfer) gives exact
// statements and insights; the CSV says what the JSON says; a new event retires cached
// insights; only the owner (or an auditor or admin) sees them; bad months are 400.
import { formatMonth, monthOf, shiftMonth } from '../../shared/domain/insights/month';
import { call, fund, openWallet, signUp, transfer, withRole, type User } from '../support/api';
import { auditStream, eventually } from '../support/ledger-checks';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { seedMonth, type SeededMonth } from '../support/insights-seed';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let seeded: SeededMonth;
const month = formatMonth(monthOf(new Date()));

beforeAll(async () => {
  app = await startTestApp();
  seeded = await seedMonth(app);
});
afterAll(async () => {
  await app?.stop();
});

const get = (user: User, path: string, headers: Record<string, string> = {}) =>
  call(app, 'GET', path, {
    token: user.token, headers: { 'x-min-position': seeded.position, ...headers },
  });

test('the statement has exact totals, every movement, and the refused one uncounted', async () => {
  const reply = await get(seeded.alice, `/v1/wallets/${seeded.aliceWallet}/statements/${month}`);
  expect(reply.status).toBe(200);
  expect(reply.body).toMatchObject({
    walletId: seeded.aliceWallet, month, timeZone: 'Asia/Kuala_Lumpur', currency: 'MYR',
    openingBalance: '0', totalIn: '102000', totalOut: '20894', closingBalance: '81106',
  });
  const lines = reply.body.movements as Array<Record<string, unknown>>;
  expect(lines.map((l) => [l.kind, l.direction, l.amount, l.status, l.category])).toEqual([
    ['adjustment', 'credit', '100000', 'completed', 'adjustment'],
    ['transfer', 'debit', '12345', 'completed', 'food'],
    ['transfer', 'credit', '2000', 'completed', 'transport'],
    ['payment', 'debit', '4550', 'completed', 'food'],
    ['payment', 'debit', '3000', 'completed', 'bills'],
    ['payment', 'debit', '999', 'completed', 'other'],
    ['transfer', 'debit', '200000', 'failed', 'transfers'],
  ]);
  expect(lines.at(-2)).toMatchObject({ reference: 'order 7', balanceAfter: '81106' });
  const wallet = await get(seeded.alice, `/v1/wallets/${seeded.aliceWallet}`);
  expect(wallet.body.balance).toBe(reply.body.closingBalance);
});

test('the CSV statement says what the JSON says', async () => {
  const path = `/v1/wallets/${seeded.aliceWallet}/statements/${month}`;
  const json = (await get(seeded.alice, path)).body;
  const csv = await get(seeded.alice, path, { accept: 'text/csv' });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  const rows = csv.text.trimEnd().split('\r\n').map((line) => line.split(','));
  expect(rows[0]).toEqual(['transactionId', 'kind', 'direction', 'amount', 'currency',
    'balanceAfter', 'counterpartyWalletId', 'status', 'category', 'note', 'reference',
    'createdAt']);
  expect(rows[1]!.slice(1, 6)).toEqual(['opening_balance', '', '', 'MYR', json.openingBalance]);
  expect(rows.at(-1)!.slice(1, 6)).toEqual(['closing_balance', '', '', 'MYR', json.closingBalance]);
  const movements = rows.slice(2, -1).map((r) => ({
    transactionId: r[0], kind: r[1], direction: r[2], amount: r[3], balanceAfter: r[5],
    counterpartyWalletId: r[6], status: r[7], category: r[8], note: r[9] || null,
    reference: r[10] || null, createdAt: r[11],
  }));
  expect(movements).toEqual(json.movements);
});

test('insights: totals, categories, merchants, trend, summary; FREE depth', async () => {
  const reply = await get(seeded.alice,
    `/v1/wallets/${seeded.aliceWallet}/insights?month=${month}`);
  expect(reply.status).toBe(200);
  const merchantWallet = `merchant-${seeded.merchant.userId}-MYR`;
  expect(reply.body).toMatchObject({
    month, currency: 'MYR', plan: 'FREE', totalIn: '102000', totalOut: '20894',
    byCategory: [
      { category: 'food', totalOut: '16895', count: 2, shareBasisPoints: '8086' },
      { category: 'bills', totalOut: '3000', count: 1, shareBasisPoints: '1435' },
      { category: 'other', totalOut: '999', count: 1, shareBasisPoints: '478' },
    ],
    topMerchants: [{ merchantWalletId: merchantWallet, total: '8549', count: 3 }],
    anomalies: [],
    summarySource: 'template',
  });
  // The seeded payments are recorded now: between 00:00 and 05:00 in Kuala Lumpur they also
  // make a late_night hint (docs/insights.md), whatever else this test checks. Nothing else.
  expect(reply.body.fraudHints.filter((hint: { rule: string }) => hint.rule !== 'late_night'))
    .toEqual([]);
  const previous = formatMonth(shiftMonth(monthOf(new Date()), -1));
  expect(reply.body.trend.map((t: { month: string }) => t.month)).toHaveLength(3);
  expect(reply.body.trend.at(-2)).toEqual({
    month: previous, totalIn: '0', totalOut: '0', outChangeBasisPoints: null,
  });
  expect(reply.body.trend.at(-1)).toEqual({
    month, totalIn: '102000', totalOut: '20894', outChangeBasisPoints: null,
  });
  expect(reply.body.summary).toContain('spent MYR 208.94');
  expect(JSON.stringify(reply.body)).not.toContain(seeded.alice.email);

  const older = formatMonth(shiftMonth(monthOf(new Date()), -2));
  const tooOld = await get(seeded.alice,
    `/v1/wallets/${seeded.aliceWallet}/insights?month=${older}`);
  expect(tooOld.status).toBe(403);
  expect(tooOld.body.code).toBe('forbidden');
  const ok = await get(seeded.alice,
    `/v1/wallets/${seeded.aliceWallet}/insights?month=${previous}`);
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ totalIn: '0', totalOut: '0', byCategory: [] });
});

test('insights are cached until the next event on the wallet', async () => {
  const path = `/v1/wallets/${seeded.bobWallet}/insights?month=${month}`;
  const counted = async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const samples = parseSamples(text);
    return ['cache', 'computed'].map((source) =>
      sampleValue(samples, 'tng_insights_requests_total', { source }));
  };
  const first = await get(seeded.bob, path);
  expect(first.body).toMatchObject({ totalIn: '62345', totalOut: '2000' });
  const [cacheBefore, computedBefore] = await counted();
  const again = await get(seeded.bob, path);
  expect(again.body).toEqual(first.body);
  expect(await counted()).toEqual([cacheBefore! + 1, computedBefore]);

  const sent = await transfer(app, seeded.bob, {
    sourceWalletId: seeded.bobWallet, targetWalletId: seeded.aliceWallet, amount: '500',
    note: 'coffee',
  });
  expect(sent.status).toBe(201);
  const after = await call(app, 'GET', path, {
    token: seeded.bob.token,
    headers: { 'x-min-position': sent.headers.get('x-ledger-position')! },
  });
  expect(after.body).toMatchObject({ totalOut: '2500' });
  expect(after.body.byCategory).toContainEqual(
    { category: 'food', totalOut: '500', count: 1, shareBasisPoints: '2000' });
  expect(await counted()).toEqual([cacheBefore! + 1, computedBefore! + 1]);
});

test('a velocity burst over HTTP: a fraud hint in insights and one FraudSuspected', async () => {
  const carol = await signUp(app, 'carol');
  const carolWallet = await openWallet(app, carol);
  expect((await fund(app, seeded.admin, carolWallet, '50000')).status).toBe(201);
  let last = '';
  for (let i = 0; i < 5; i += 1) {
    const sent = await transfer(app, carol, {
      sourceWalletId: carolWallet, targetWalletId: seeded.bobWallet, amount: '100',
    });
    expect(sent.status).toBe(201);
    last = sent.headers.get('x-ledger-position')!;
  }
  const auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
  // Velocity hints only: at night in Kuala Lumpur the burst also makes a late_night one.
  const hints = await eventually(async () => {
    const found = (await auditStream(app, auditor, `wallet-${carolWallet}`))
      .filter((event) => event.type === 'FraudSuspected'
        && (event.data.rules as string[]).includes('velocity'));
    return found.length > 0 ? found : undefined;
  }, 'the fraud-hints saga raises a hint');
  expect(hints).toHaveLength(1);
  expect(hints[0]!.data).toMatchObject({ walletId: carolWallet,
    rules: expect.arrayContaining(['velocity']) });
  const insights = await call(app, 'GET', `/v1/wallets/${carolWallet}/insights?month=${month}`, {
    token: carol.token, headers: { 'x-min-position': last },
  });
  expect(insights.body.fraudHints).toContainEqual(expect.objectContaining({ rule: 'velocity' }));
  expect(insights.body.totalOut).toBe('500');
  const wallet = await call(app, 'GET', `/v1/wallets/${carolWallet}`, {
    token: carol.token, headers: { 'x-min-position': hints[0]!.position },
  });
  expect(wallet.body).toMatchObject({ balance: '49500', status: 'active' });
});

test("another customer's wallet is 404; an auditor sees it", async () => {
  const stranger = await signUp(app, 'stranger');
  for (const path of [
    `/v1/wallets/${seeded.aliceWallet}/statements/${month}`,
    `/v1/wallets/${seeded.aliceWallet}/insights?month=${month}`,
  ]) {
    const reply = await get(stranger, path);
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('not_found');
  }
  const auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
  const path = `/v1/wallets/${seeded.aliceWallet}/statements/${month}`;
  const seen = await get(auditor, path);
  expect(seen.status).toBe(200);
  expect(seen.body).toEqual((await get(seeded.alice, path)).body);
});

test.each(['2026-13', '2026-1', '26-01', 'december', '2026-00', '9999-12'])(
  'month %j is 400 invalid_request', async (bad) => {
    for (const path of [
      `/v1/wallets/${seeded.aliceWallet}/statements/${bad}`,
      `/v1/wallets/${seeded.aliceWallet}/insights?month=${bad}`,
    ]) {
      const reply = await get(seeded.alice, path);
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('invalid_request');
    }
  },
);

test('insights without a month are 400', async () => {
  const reply = await get(seeded.alice, `/v1/wallets/${seeded.aliceWallet}/insights`);
  expect(reply.status).toBe(400);
});
