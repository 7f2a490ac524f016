// Goal (issue 8, point 9): an auditor can do the job. Every money movement (transfer,
// payment, hold capture, adjustment) is found by the id its command answered with, by the
// owners of either side and by auditors, and is a 404 for anyone else; the capture and
// adjustment replies carry that id. A wallet's history filters by period, kind and
// counterparty, pages, and exports the same rows as CSV (quoted, formula-safe). Auditors list
// a user's wallets by e-mail or id. An instant means the same over HTTP and on the CLI
// (RFC 3339 with an offset, `Z` or `+08:00`; without an offset both refuse it), and
// `tng audit replay` over a period gives opening and closing balances, totals and CSV.
import { randomUUID } from 'node:crypto';
import {
  call, fund, openWallet, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import {
  aProblem, CLI_TIMEOUT_MS, eventually, maxPositionToken, problemOf, runTng,
} from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let admin: User;
let auditor: User;
let stranger: User;
let alice: User;
let bob: User;
let merchant: User;
let aliceWallet: string;
let bobWallet: string;
let merchantWallet: string;

const NOTE = '=1+2, "lunch"';
const withKey = () => ({ 'idempotency-key': randomUUID() });
const pause = () => new Promise((resolve) => setTimeout(resolve, 40));

/** What each command answered, and the position that includes them all. */
const done: Record<string, Reply> = {};
let position = '';

beforeAll(async () => {
  app = await startTestApp();
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
  stranger = await signUp(app, 'stranger');
  alice = await signUp(app, 'alice');
  bob = await signUp(app, 'bob');
  merchant = await withRole(app, await signUp(app, 'kedai'), 'merchant');
  aliceWallet = await openWallet(app, alice);
  bobWallet = await openWallet(app, bob);
  await runScenario();
  position = maxPositionToken(Object.values(done).map((r) => r.headers.get('x-ledger-position')));
  // On a loaded machine the projector may need longer than one X-Min-Position wait.
  const listed = await eventually(async () => {
    const reply = await call(app, 'GET', '/v1/wallets', {
      token: merchant.token, headers: { 'x-min-position': position },
    });
    return reply.status === 200 ? reply : undefined;
  }, 'read models at the scenario\'s position', 30_000);
  merchantWallet = listed.body.items[0].walletId;
}, 90_000);
afterAll(() => app?.stop(), 30_000);

/** Credit, transfer, payment, hold, capture, debit adjustment: apart in time, in order. */
async function runScenario(): Promise<void> {
  done.credit = await fund(app, admin, aliceWallet, '50000');
  await pause();
  done.transfer = await transfer(app, alice, {
    sourceWalletId: aliceWallet, targetWalletId: bobWallet, amount: '1000', note: NOTE,
  });
  await pause();
  done.payment = await call(app, 'POST', '/v1/payments', {
    token: alice.token, headers: withKey(),
    body: { sourceWalletId: aliceWallet, merchantId: merchant.userId, amount: '700',
      currency: 'MYR', reference: 'order-9' },
  });
  await pause();
  done.hold = await call(app, 'POST', `/v1/wallets/${aliceWallet}/holds`, {
    token: alice.token, headers: withKey(),
    body: { amount: '3000', currency: 'MYR', reason: 'hotel deposit' },
  });
  await pause();
  done.capture = await call(app, 'POST', `/v1/holds/${done.hold.body.holdId}/capture`, {
    token: alice.token, headers: withKey(), body: { targetWalletId: bobWallet, amount: '1200' },
  });
  await pause();
  done.debit = await call(app, 'POST', `/v1/admin/wallets/${bobWallet}/adjustments`, {
    token: admin.token, headers: withKey(),
    body: { amount: '100', currency: 'MYR', direction: 'debit', reason: 'fee, "reversed"' },
  });
  for (const [name, reply] of Object.entries(done)) {
    if (reply.status >= 300) throw new Error(`${name}: ${reply.status} ${reply.text}`);
  }
}

const get = (user: User, path: string, headers: Record<string, string> = {}) =>
  call(app, 'GET', path, { token: user.token, headers: { 'x-min-position': position, ...headers } });

/** The history of alice's wallet, as JSON items, with a query string. */
async function history(query = ''): Promise<Reply> {
  return get(alice, `/v1/wallets/${aliceWallet}/transactions${query}`);
}

/** An instant written with a +08:00 offset (Kuala Lumpur), the same instant as `date`. */
function plus8(date: Date): string {
  const local = new Date(date.getTime() + 8 * 3_600_000).toISOString();
  return `${local.slice(0, -1)}+08:00`;
}

/** RFC 4180 parsing, so the test reads the CSV the way a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i += 1;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

describe('issue 8, point 9: auditors can do their job', () => {
  test('capture and adjustment replies carry the id of their movement', () => {
    expect(done.capture!.body).toEqual(expect.objectContaining({
      holdId: done.hold!.body.holdId, transactionId: expect.any(String), status: 'captured',
      capturedAmount: '1200', releasedAmount: '1800',
    }));
    expect(done.credit!.body).toEqual(expect.objectContaining({
      transactionId: expect.any(String), status: 'completed', amount: '50000',
    }));
    expect(done.debit!.body.transactionId).toEqual(expect.any(String));
  });

  test('every movement by its id: owners of either side and auditors; others get 404',
    async () => {
      const adjustments = 'system-adjustments-MYR';
      const cases = [
        { id: done.transfer!.body.transferId, readers: [alice, bob], expected: {
          kind: 'transfer', sourceWalletId: aliceWallet, targetWalletId: bobWallet,
          amount: '1000', note: NOTE } },
        { id: done.payment!.body.paymentId, readers: [alice, merchant], expected: {
          kind: 'payment', sourceWalletId: aliceWallet, targetWalletId: merchantWallet,
          amount: '700' } },
        { id: done.capture!.body.transactionId, readers: [alice, bob], expected: {
          kind: 'hold', sourceWalletId: aliceWallet, targetWalletId: bobWallet, amount: '1200' } },
        // The adjustments account has no owner: only the customer's side and auditors.
        { id: done.credit!.body.transactionId, readers: [alice], expected: {
          kind: 'adjustment', sourceWalletId: adjustments, targetWalletId: aliceWallet,
          amount: '50000', reason: 'test funding' } },
        { id: done.debit!.body.transactionId, readers: [bob], expected: {
          kind: 'adjustment', sourceWalletId: bobWallet, targetWalletId: adjustments,
          amount: '100', reason: 'fee, "reversed"' } },
      ];
      for (const { id, readers, expected } of cases) {
        for (const reader of [...readers, auditor, admin]) {
          const found = await get(reader, `/v1/transactions/${id}`);
          expect({ status: found.status, body: found.body }).toEqual({ status: 200, body: {
            transactionId: id, status: 'completed', currency: 'MYR',
            createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/), ...expected,
          } });
        }
        for (const outsider of [stranger, ...[alice, bob, merchant].filter(
          (user) => !readers.includes(user))]) {
          expect(problemOf(await get(outsider, `/v1/transactions/${id}`)))
            .toEqual(aProblem(404, 'not_found'));
        }
      }
      expect(problemOf(await get(auditor, `/v1/transactions/${randomUUID()}`)))
        .toEqual(aProblem(404, 'not_found'));
    });

  test('history filters by kind, counterparty and period, and still pages', async () => {
    const all = await history();
    expect(all.status).toBe(200);
    expect(all.body.items.map((item: { kind: string; amount: string; direction: string }) =>
      [item.kind, item.direction, item.amount])).toEqual([
      ['hold', 'debit', '1200'], ['payment', 'debit', '700'], ['transfer', 'debit', '1000'],
      ['adjustment', 'credit', '50000'],
    ]);
    const [capture, payment, moved] = all.body.items;
    expect(capture.transactionId).toBe(done.capture!.body.transactionId);
    const ids = (reply: Reply) => reply.body.items.map((i: { transactionId: string }) =>
      i.transactionId);
    expect(ids(await history('?kind=transfer'))).toEqual([moved.transactionId]);
    expect(ids(await history('?kind=hold'))).toEqual([capture.transactionId]);
    expect(ids(await history(`?counterpartyWalletId=${bobWallet}`)))
      .toEqual([capture.transactionId, moved.transactionId]);
    const from = plus8(new Date(Date.parse(moved.createdAt) + 1));
    const to = new Date(Date.parse(capture.createdAt) - 1).toISOString();
    const period = await history(`?from=${encodeURIComponent(from)}&to=${to}`);
    expect(ids(period)).toEqual([payment.transactionId]);
    const first = await history(`?counterpartyWalletId=${bobWallet}&limit=1`);
    expect(ids(first)).toEqual([capture.transactionId]);
    const second = await history(
      `?counterpartyWalletId=${bobWallet}&limit=1&cursor=${first.body.nextCursor}`);
    expect({ ids: ids(second), next: second.body.nextCursor })
      .toEqual({ ids: [moved.transactionId], next: null });
    const local = await history('?from=2025-03-10T08:00:00');
    expect(problemOf(local)).toEqual(aProblem(400, 'invalid_request'));
    expect(local.text).toContain('RFC 3339 instant with an offset');
  });

  test('Accept: text/csv gives the whole filtered range, quoted and formula-safe', async () => {
    const json = (await history()).body.items;
    const csv = await get(alice, `/v1/wallets/${aliceWallet}/transactions?limit=1`,
      { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(csv.text);
    const columns = ['transactionId', 'kind', 'direction', 'amount', 'currency',
      'balanceAfter', 'counterpartyWalletId', 'status', 'note', 'createdAt'];
    expect(rows[0]).toEqual(columns);
    expect(rows.slice(1)).toEqual(json.map((item: Record<string, string | null>) =>
      columns.map((column) => (column === 'note' && item.note === NOTE
        ? `'${NOTE}` : item[column] ?? ''))));
    expect(csv.text).toContain(`,"'=1+2, ""lunch""",`);
    const filtered = await get(alice,
      `/v1/wallets/${aliceWallet}/transactions?kind=payment`, { accept: 'text/csv' });
    expect(parseCsv(filtered.text).slice(1).map((row) => row.slice(1, 6)))
      .toEqual([['payment', 'debit', '700', 'MYR', '48300']]);
  });

  test('auditors list the wallets of a user by e-mail or id; others may not', async () => {
    const byEmail = await get(auditor,
      `/v1/audit/wallets?ownerEmail=${encodeURIComponent(alice.email.toUpperCase())}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toEqual({
      owner: { userId: alice.userId, email: alice.email, name: 'alice' },
      items: [expect.objectContaining({
        walletId: aliceWallet, balance: '47100', held: '0', available: '47100' })],
      nextCursor: null,
    });
    const byId = await get(admin, `/v1/audit/wallets?ownerId=${bob.userId}`);
    expect(byId.body.items).toEqual([expect.objectContaining({
      walletId: bobWallet, balance: '2100' })]);
    expect(problemOf(await get(stranger, `/v1/audit/wallets?ownerId=${bob.userId}`)))
      .toEqual(aProblem(403, 'forbidden'));
    expect(problemOf(await get(auditor, '/v1/audit/wallets?ownerEmail=nobody@example.com')))
      .toEqual(aProblem(404, 'not_found'));
    expect(problemOf(await get(auditor,
      `/v1/audit/wallets?ownerId=${bob.userId}&ownerEmail=${encodeURIComponent(bob.email)}`)))
      .toEqual(aProblem(400, 'invalid_request'));
  });

  test('an instant means the same over HTTP and on the CLI, with Z or +08:00', async () => {
    const capture = (await history('?kind=hold')).body.items[0];
    const instant = new Date(Date.parse(capture.createdAt) - 1);
    const expected = { balance: '48300', held: '3000', available: '45300' };
    const replay = ['audit', 'replay', '--wallet', aliceWallet, '--at'];
    const cliZ = await runTng(app.db.url, ...replay, instant.toISOString(), '--json');
    const cliPlus8 = await runTng(app.db.url, ...replay, plus8(instant), '--json');
    const cliLocal = await runTng(app.db.url, ...replay, '2025-03-10T08:00:00');
    for (const at of [instant.toISOString(), plus8(instant)]) {
      const http = await get(auditor,
        `/v1/audit/wallets/${aliceWallet}/balance-at?at=${encodeURIComponent(at)}`);
      expect(http.body).toEqual(expect.objectContaining(expected));
    }
    for (const run of [cliZ, cliPlus8]) {
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).final).toEqual(expect.objectContaining(expected));
    }
    expect(cliLocal.code).toBe(2);
    expect(cliLocal.stderr).toContain('RFC 3339 instant with an offset');
    const local = await get(auditor,
      `/v1/audit/wallets/${aliceWallet}/balance-at?at=2025-03-10T08:00:00`);
    expect(problemOf(local)).toEqual(aProblem(400, 'invalid_request'));
    expect(local.text).toContain('RFC 3339 instant with an offset');
  }, 4 * CLI_TIMEOUT_MS);

  test('audit replay over a period: opening, movements, closing, totals; CSV; 120 columns',
    async () => {
      const items = (await history()).body.items;
      const from = plus8(new Date(Date.parse(items[2].createdAt) + 1));
      const to = new Date(Date.parse(items[0].createdAt) - 1).toISOString();
      const period = ['audit', 'replay', '--wallet', aliceWallet, '--from', from, '--to', to];
      const json = await runTng(app.db.url, ...period, '--json');
      const csv = await runTng(app.db.url, ...period, '--csv');
      const human = await runTng(app.db.url, ...period);
      expect(json.code).toBe(0);
      const replay = JSON.parse(json.stdout);
      expect(replay.opening).toEqual(expect.objectContaining({ balance: '49000', held: '0' }));
      expect(replay.closing).toEqual(expect.objectContaining({ balance: '48300', held: '3000' }));
      expect(replay.totals).toEqual({ movements: 1, credits: '0', debits: '700', net: '-700',
        rejected: 0, held: '3000', released: '0' });
      expect(replay.steps.map((step: { type: string }) => step.type))
        .toEqual(['WalletDebited', 'HoldPlaced']);
      expect(csv.code).toBe(0);
      const rows = parseCsv(csv.stdout);
      expect(rows.map((row) => [row[2], row[7], row[13]])).toEqual([
        ['event', 'amount', 'balanceAfter'], ['opening', '', '49000'],
        ['WalletDebited', '700', '48300'], ['HoldPlaced', '3000', '48300'],
        ['closing', '', '48300'],
      ]);
      expect(human.code).toBe(0);
      for (const line of human.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
      expect(human.stdout).toContain(`hold ${done.hold!.body.holdId} placed ("hotel deposit")`);
      expect(human.stdout).toContain('opening (version 3): balance 490.00 MYR');
      expect(human.stdout).toContain('closing (version 5): balance 483.00 MYR, held 30.00 MYR');
    }, 4 * CLI_TIMEOUT_MS);
});
