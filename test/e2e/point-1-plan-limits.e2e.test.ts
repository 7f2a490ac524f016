// Goal (issue 8, point 1): plan limits that no path gets around, through real HTTP. A FREE
// wallet (RM 1,000 per transfer, RM 1,500 a UTC day) once moved RM 3,000 in a day with three
// RM 1,000 holds, each captured into another wallet: holds now count when placed, so the
// second hold is refused with 422 limit_exceeded and only RM 1,500 ever leaves. A release
// gives its share back, a partial capture gives back its rest, and transfers and holds share
// one daily total. Every scenario ends by checking the balances, not only the statuses, and
// by running the ledger auditor's plan-limits check over the log.
import { randomUUID } from 'node:crypto';
import { LedgerAuditor } from '../../shared/audit/ledger-auditor';
import { START_POSITION, type RecordedEvent } from '../../shared/ports/event-store.port';
import {
  call, fund, openWallet, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import { aProblem, movementLines, problemOf, storedWalletEvents } from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Every scenario runs well inside one UTC day, or the daily total would start afresh. */
const SCENARIO_MS_MAX = 2 * 60 * 1000;

let app: TestApp;
let admin: User;
beforeAll(async () => {
  app = await startTestApp();
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
});
afterAll(() => app?.stop());
beforeEach(async () => {
  const untilMidnight = DAY_MS - (Date.now() % DAY_MS);
  if (untilMidnight < SCENARIO_MS_MAX) {
    await new Promise((resolve) => setTimeout(resolve, untilMidnight + 1_000));
  }
}, SCENARIO_MS_MAX + 60_000);

const withKey = () => ({ 'idempotency-key': randomUUID() });

/** A FREE customer with a MYR wallet funded by an adjustment (adjustments never count). */
async function customer(name: string, amount: string) {
  const user = await signUp(app, name);
  const walletId = await openWallet(app, user);
  if (amount !== '0') expect((await fund(app, admin, walletId, amount)).status).toBe(201);
  return { user, walletId };
}

const placeHold = (user: User, walletId: string, amount: string) =>
  call(app, 'POST', `/v1/wallets/${walletId}/holds`, {
    token: user.token, headers: withKey(),
    body: { amount, currency: 'MYR', reason: 'deposit' },
  });
const capture = (user: User, holdId: string, body: Record<string, unknown>) =>
  call(app, 'POST', `/v1/holds/${holdId}/capture`, { token: user.token, headers: withKey(), body });
const release = (user: User, holdId: string) =>
  call(app, 'POST', `/v1/holds/${holdId}/release`, { token: user.token, headers: withKey() });

/** A hold refused with 422 limit_exceeded; the problem names which limit. */
function expectLimit(reply: Reply, limit: 'daily_outgoing' | 'per_transfer'): void {
  expect(problemOf(reply)).toEqual(aProblem(422, 'limit_exceeded'));
  expect(reply.body.limit).toBe(limit);
}

/** A transfer refused with 422 limit_exceeded: the problem names the limit and the transfer. */
function expectTransferOverLimit(reply: Reply): void {
  expect(problemOf(reply)).toEqual(aProblem(422, 'limit_exceeded'));
  expect(reply.body.limit).toBe('daily_outgoing');
  expect(reply.body.transferId).toEqual(expect.any(String));
}

/** The wallet's figures once the read models include `after`'s position. */
async function figures(user: User, walletId: string, after: Reply) {
  const position = after.headers.get('x-ledger-position');
  expect(position).toEqual(expect.stringMatching(/^\d+\.\d+$/));
  const view = await call(app, 'GET', `/v1/wallets/${walletId}`, {
    token: user.token, headers: { 'x-min-position': position! },
  });
  expect(view.status).toBe(200);
  const { balance, held, available } = view.body;
  return { balance, held, available };
}

/** The ledger auditor's plan-limits check over the whole log, as `tng audit verify` runs it. */
async function planLimitsAudit() {
  const store = app.server.runtime.store;
  const auditor = new LedgerAuditor({ driftCheckpoint: START_POSITION });
  let after = START_POSITION;
  for (;;) {
    const batch: RecordedEvent[] = await store.readAll({ after, limit: 500 });
    if (batch.length === 0) break;
    auditor.accept(batch);
    after = batch[batch.length - 1]!.position;
  }
  const checks = auditor.finish([]);
  // Every wallet event decoded, so the plan-limits check below saw them all.
  expect(checks.find((check) => check.check === 'decodable')?.ok).toBe(true);
  return checks.find((check) => check.check === 'plan-limits');
}

describe('issue 8, point 1: plan limits that no path gets around', () => {
  test('three RM 1,000 holds captured into another wallet: the second hold is refused', async () => {
    const payer = await customer('payer', '400000');
    const friend = await customer('friend', '0');
    const first = await placeHold(payer.user, payer.walletId, '100000');
    expect(first.status).toBe(201);
    // RM 1,000 placed + RM 1,000 more is RM 2,000 of RM 1,500: refused when placed.
    expectLimit(await placeHold(payer.user, payer.walletId, '100000'), 'daily_outgoing');
    const captured = await capture(payer.user, first.body.holdId, {
      targetWalletId: friend.walletId,
    });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ capturedAmount: '100000', releasedAmount: '0' });
    // The capture gave nothing back: a third RM 1,000 hold is refused as well.
    expectLimit(await placeHold(payer.user, payer.walletId, '100000'), 'daily_outgoing');
    const last = await placeHold(payer.user, payer.walletId, '50000'); // exactly RM 1,500
    expect(last.status).toBe(201);
    const lastCaptured = await capture(payer.user, last.body.holdId, {
      targetWalletId: friend.walletId,
    });
    expect(lastCaptured.status).toBe(200);
    expectTransferOverLimit(await transfer(app, payer.user, {
      sourceWalletId: payer.walletId, targetWalletId: friend.walletId, amount: '1',
    }));
    expectLimit(await placeHold(payer.user, payer.walletId, '1'), 'daily_outgoing');

    expect(await figures(payer.user, payer.walletId, lastCaptured)).toEqual({
      balance: '250000', held: '0', available: '250000',
    });
    expect(await figures(friend.user, friend.walletId, lastCaptured)).toEqual({
      balance: '150000', held: '0', available: '150000',
    });
    const audit = await planLimitsAudit();
    expect(audit).toMatchObject({ ok: true, findingsTotal: 0 });
    expect(audit?.summary).toMatch(/[1-9][0-9]* transfers, payments and holds/);
  });

  test('the per-transfer limit applies to a hold', async () => {
    const payer = await customer('payer', '400000');
    const over = await placeHold(payer.user, payer.walletId, '100001');
    expectLimit(over, 'per_transfer');
    const atLimit = await placeHold(payer.user, payer.walletId, '100000');
    expect(atLimit.status).toBe(201);
    expect(await figures(payer.user, payer.walletId, atLimit)).toEqual({
      balance: '400000', held: '100000', available: '300000',
    });
  });

  test('a release gives the share back; transfers, holds and a partial capture mix', async () => {
    const payer = await customer('payer', '400000');
    const friend = await customer('friend', '0');
    const send = (amount: string) => transfer(app, payer.user, {
      sourceWalletId: payer.walletId, targetWalletId: friend.walletId, amount,
    });
    const first = await send('60000'); // RM 600 of the day's RM 1,500
    expect(first.status).toBe(201);
    const hold = await placeHold(payer.user, payer.walletId, '90000'); // RM 1,500 now
    expect(hold.status).toBe(201);
    const refusedOne = await send('1');
    expectTransferOverLimit(refusedOne);
    expect((await release(payer.user, hold.body.holdId)).status).toBe(200); // back to RM 600
    const second = await placeHold(payer.user, payer.walletId, '80000'); // RM 1,400
    expect(second.status).toBe(201);
    const partial = await capture(payer.user, second.body.holdId, {
      targetWalletId: friend.walletId, amount: '30000',
    });
    expect(partial.body).toMatchObject({ capturedAmount: '30000', releasedAmount: '50000' });
    // The released RM 500 went back: RM 600 + RM 300 counted, RM 600 left.
    const refusedOver = await send('60001');
    expectTransferOverLimit(refusedOver);
    const third = await send('40000'); // RM 1,300
    expect(third.status).toBe(201);
    const rest = await send('20000'); // exactly RM 1,500
    expect(rest.status).toBe(201);
    const refusedLast = await send('1');
    expectTransferOverLimit(refusedLast);

    // The ledger, movement by movement: each accepted transfer once, the capture's RM 300,
    // each refusal logged and moving nothing.
    const refusal = (reply: Reply) => `TransferRejected limit_exceeded ${reply.body.transferId}`;
    const debit = (amount: string, reply: Reply) => `WalletDebited ${amount} ${reply.body.transferId}`;
    expect(movementLines(await storedWalletEvents(app, payer.walletId))).toEqual([
      expect.stringMatching(/^WalletCredited 400000 /),
      debit('60000', first),
      refusal(refusedOne),
      expect.stringMatching(/^WalletDebited 30000 /),
      refusal(refusedOver),
      debit('40000', third),
      debit('20000', rest),
      refusal(refusedLast),
    ]);

    expect(await figures(payer.user, payer.walletId, rest)).toEqual({
      balance: '250000', held: '0', available: '250000',
    });
    expect(await figures(friend.user, friend.walletId, rest)).toEqual({
      balance: '150000', held: '0', available: '150000',
    });
    expect(await planLimitsAudit()).toMatchObject({ ok: true, findingsTotal: 0 });
  });
});
