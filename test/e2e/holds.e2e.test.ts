// Goal: the money rules beyond plain transfers hold through real HTTP. Holds reserve funds
// (available drops, balance stays), capture moves part and releases the rest, release frees
// it, and a capture over the hold or of an ended hold is refused; a frozen wallet cannot pay
// and the attempt shows as failed; merchant payments credit the merchant's wallet; plan
// limits, currency mismatches and same-wallet transfers are refused with their codes. With
// Redis, the cached wallet view follows the ledger.
import { randomUUID } from 'node:crypto';
import {
  call, fund, openWallet, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import {
  aProblem, eventually, movementLines, problemOf, storedWalletEvents,
} from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';
import { testEnv } from '../../shared/testing/test-env';

let app: TestApp;
let admin: User;
beforeAll(async () => {
  app = await startTestApp();
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
});
afterAll(() => app?.stop());

const withKey = () => ({ 'idempotency-key': randomUUID() });

/** The funding adjustment's line in movementLines (its movement id is the server's). */
const fundedLine = (amount: string) => expect.stringMatching(new RegExp(`^WalletCredited ${amount} `));

/** The wallet's money lines (see movementLines), straight from the event log. */
const ledgerOf = async (walletId: string) => movementLines(await storedWalletEvents(app, walletId));

/** A fresh customer with a MYR wallet funded by `amount`. */
async function customer(name: string, amount = '50000') {
  const user = await signUp(app, name);
  const walletId = await openWallet(app, user);
  if (amount !== '0') expect((await fund(app, admin, walletId, amount)).status).toBe(201);
  return { user, walletId };
}

/** The wallet's view once the read models include `after`'s position. */
async function viewAfter(user: User, walletId: string, after: Reply) {
  const position = after.headers.get('x-ledger-position');
  expect(position).toEqual(expect.stringMatching(/^\d+\.\d+$/));
  const view = await call(app, 'GET', `/v1/wallets/${walletId}`, {
    token: user.token,
    headers: { 'x-min-position': position! },
  });
  expect(view.status).toBe(200);
  return view.body;
}

const placeHold = (user: User, walletId: string, amount: string) =>
  call(app, 'POST', `/v1/wallets/${walletId}/holds`, {
    token: user.token,
    headers: withKey(),
    body: { amount, currency: 'MYR', reason: 'hotel deposit' },
  });

const capture = (user: User, holdId: string, body: Record<string, unknown>) =>
  call(app, 'POST', `/v1/holds/${holdId}/capture`, { token: user.token, headers: withKey(), body });

const release = (user: User, holdId: string) =>
  call(app, 'POST', `/v1/holds/${holdId}/release`, { token: user.token, headers: withKey() });

describe('holds', () => {
  test('a hold reserves funds; a partial capture moves part and releases the rest', async () => {
    const payer = await customer('payer');
    const hotel = await customer('hotel', '0');
    const placed = await placeHold(payer.user, payer.walletId, '30000');
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ holdId: expect.any(String), status: 'active' });
    expect(Date.parse(placed.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(await viewAfter(payer.user, payer.walletId, placed)).toMatchObject({
      balance: '50000', held: '30000', available: '20000',
    });
    const tooMuch = await transfer(app, payer.user, {
      sourceWalletId: payer.walletId, targetWalletId: hotel.walletId, amount: '20001',
    });
    expect(problemOf(tooMuch)).toEqual(aProblem(422, 'insufficient_funds'));

    const over = await capture(payer.user, placed.body.holdId, {
      targetWalletId: hotel.walletId, amount: '30001',
    });
    expect(problemOf(over)).toEqual(aProblem(422, 'amount_exceeds_hold'));
    const captured = await capture(payer.user, placed.body.holdId, {
      targetWalletId: hotel.walletId, amount: '12345',
    });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({
      holdId: placed.body.holdId, status: 'captured',
      capturedAmount: '12345', releasedAmount: '17655',
    });
    expect(await viewAfter(payer.user, payer.walletId, captured)).toMatchObject({
      balance: '37655', held: '0', available: '37655',
    });
    expect(await viewAfter(hotel.user, hotel.walletId, captured)).toMatchObject({
      balance: '12345', available: '12345',
    });
    const again = await capture(payer.user, placed.body.holdId, { targetWalletId: hotel.walletId });
    expect(problemOf(again)).toEqual(aProblem(422, 'hold_not_active'));
    expect(problemOf(await release(payer.user, placed.body.holdId))).toEqual(
      aProblem(422, 'hold_not_active'),
    );
    // The ledger: the funding and the one capture; the refused transfer is logged as refused,
    // and the refused captures and release moved nothing.
    expect(await ledgerOf(payer.walletId)).toEqual([
      fundedLine('50000'),
      `TransferRejected insufficient_funds ${tooMuch.body.transferId}`,
      expect.stringMatching(/^WalletDebited 12345 /),
    ]);
    expect(await ledgerOf(hotel.walletId)).toEqual([
      expect.stringMatching(/^WalletCredited 12345 /),
    ]);
  });

  test('a released hold frees its funds and can no longer be captured', async () => {
    const payer = await customer('payer');
    const friend = await customer('friend', '0');
    const placed = await placeHold(payer.user, payer.walletId, '8000');
    expect(placed.status).toBe(201);
    const released = await release(payer.user, placed.body.holdId);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ holdId: placed.body.holdId, status: 'released' });
    expect(await viewAfter(payer.user, payer.walletId, released)).toMatchObject({
      balance: '50000', held: '0', available: '50000',
    });
    const capturedLate = await capture(payer.user, placed.body.holdId, {
      targetWalletId: friend.walletId,
    });
    expect(problemOf(capturedLate)).toEqual(aProblem(422, 'hold_not_active'));
    const eventsBefore = await storedWalletEvents(app, payer.walletId);
    const releasedAgain = await release(payer.user, placed.body.holdId);
    expect(releasedAgain.status).toBe(200);
    expect(releasedAgain.headers.get('x-ledger-position')).toMatch(/^\d+\.\d+$/);
    // Released already: the second release appends nothing, and nothing moved at all.
    expect(await storedWalletEvents(app, payer.walletId)).toEqual(eventsBefore);
    expect(eventsBefore.filter((event) => event.type === 'HoldReleased')).toHaveLength(1);
    expect(movementLines(eventsBefore)).toEqual([fundedLine('50000')]);
    expect(await ledgerOf(friend.walletId)).toEqual([]);
    expect(await viewAfter(payer.user, payer.walletId, releasedAgain)).toMatchObject({
      balance: '50000', held: '0', available: '50000',
    });
  });

  test('a full capture without an amount takes the whole hold', async () => {
    const payer = await customer('payer');
    const friend = await customer('friend', '0');
    const placed = await placeHold(payer.user, payer.walletId, '2500');
    const captured = await capture(payer.user, placed.body.holdId, {
      targetWalletId: friend.walletId,
    });
    expect(captured.body).toMatchObject({ capturedAmount: '2500', releasedAmount: '0' });
    expect(await viewAfter(friend.user, friend.walletId, captured)).toMatchObject({
      balance: '2500',
    });
    expect(await ledgerOf(payer.walletId)).toEqual([
      fundedLine('50000'), expect.stringMatching(/^WalletDebited 2500 /),
    ]);
  });
});

describe('freezing', () => {
  test('a frozen wallet cannot pay, the attempt shows as failed, and unfreezing restores it',
    async () => {
      const payer = await customer('payer');
      const friend = await customer('friend', '0');
      const frozen = await call(app, 'POST', `/v1/admin/wallets/${payer.walletId}/freeze`, {
        token: admin.token, body: { reason: 'suspected fraud' },
      });
      expect(frozen.status).toBe(200);
      expect(await viewAfter(payer.user, payer.walletId, frozen)).toMatchObject({
        status: 'frozen',
      });
      const refused = await transfer(app, payer.user, {
        sourceWalletId: payer.walletId, targetWalletId: friend.walletId, amount: '100',
      });
      expect(problemOf(refused)).toEqual(aProblem(422, 'wallet_frozen'));
      expect(refused.body.transferId).toEqual(expect.any(String));
      expect(problemOf(await placeHold(payer.user, payer.walletId, '100'))).toEqual(
        aProblem(422, 'wallet_frozen'),
      );
      // Credits still arrive while frozen.
      const credited = await fund(app, admin, payer.walletId, '1');
      expect(credited.status).toBe(201);
      const history = await call(app, 'GET', `/v1/wallets/${payer.walletId}/transactions`, {
        token: payer.user.token,
        headers: { 'x-min-position': credited.headers.get('x-ledger-position')! },
      });
      expect(history.body.items).toContainEqual(expect.objectContaining({
        transactionId: refused.body.transferId, kind: 'transfer', status: 'failed',
        amount: '100', counterpartyWalletId: friend.walletId,
      }));
      const detail = await call(app, 'GET', `/v1/transfers/${refused.body.transferId}`, {
        token: payer.user.token,
        headers: { 'x-min-position': credited.headers.get('x-ledger-position')! },
      });
      expect(detail.body).toMatchObject({ status: 'failed', reason: 'wallet_frozen' });

      const unfrozen = await call(app, 'POST', `/v1/admin/wallets/${payer.walletId}/unfreeze`, {
        token: admin.token,
      });
      expect(unfrozen.status).toBe(200);
      const sent = await transfer(app, payer.user, {
        sourceWalletId: payer.walletId, targetWalletId: friend.walletId, amount: '100',
      });
      expect(sent.status).toBe(201);
      expect(await viewAfter(payer.user, payer.walletId, sent)).toMatchObject({
        status: 'active', balance: '49901',
      });
    });
});

describe('merchant payments', () => {
  test("a payment credits the merchant's wallet; paying a non-merchant is 404", async () => {
    const payer = await customer('payer');
    const merchant = await withRole(app, await signUp(app, 'kedai'), 'merchant');
    const paid = await call(app, 'POST', '/v1/payments', {
      token: payer.user.token,
      headers: withKey(),
      body: {
        sourceWalletId: payer.walletId, merchantId: merchant.userId, amount: '1890',
        currency: 'MYR', reference: 'order-42',
      },
    });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({
      paymentId: expect.any(String), status: 'completed', amount: '1890', currency: 'MYR',
    });
    const listed = await call(app, 'GET', '/v1/wallets', {
      token: merchant.token,
      headers: { 'x-min-position': paid.headers.get('x-ledger-position')! },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ ownerId: merchant.userId, currency: 'MYR', balance: '1890' }),
    ]);
    expect(await viewAfter(payer.user, payer.walletId, paid)).toMatchObject({ balance: '48110' });

    const stranger = await signUp(app, 'stranger');
    const payerBefore = await storedWalletEvents(app, payer.walletId);
    for (const merchantId of [stranger.userId, randomUUID()]) {
      const refused = await call(app, 'POST', '/v1/payments', {
        token: payer.user.token,
        headers: withKey(),
        body: {
          sourceWalletId: payer.walletId, merchantId, amount: '100', currency: 'MYR',
          reference: 'order-43',
        },
      });
      expect(problemOf(refused)).toEqual(aProblem(404, 'not_found'));
    }
    expect(await storedWalletEvents(app, payer.walletId)).toEqual(payerBefore);
    expect(movementLines(payerBefore)).toEqual([
      fundedLine('50000'), `WalletDebited 1890 ${paid.body.paymentId}`,
    ]);
  });
});

describe('business rejections', () => {
  test('the FREE per-transfer limit is RM 1,000 exactly', async () => {
    const payer = await customer('payer', '200000');
    const friend = await customer('friend', '0');
    const over = await transfer(app, payer.user, {
      sourceWalletId: payer.walletId, targetWalletId: friend.walletId, amount: '100001',
    });
    expect(problemOf(over)).toEqual(aProblem(422, 'limit_exceeded'));
    const atLimit = await transfer(app, payer.user, {
      sourceWalletId: payer.walletId, targetWalletId: friend.walletId, amount: '100000',
    });
    expect(atLimit.status).toBe(201);
    // Exactly the transfer at the limit moved; the one over it is logged as refused.
    expect(await ledgerOf(payer.walletId)).toEqual([
      fundedLine('200000'),
      `TransferRejected limit_exceeded ${over.body.transferId}`,
      `WalletDebited 100000 ${atLimit.body.transferId}`,
    ]);
    expect(await ledgerOf(friend.walletId)).toEqual([
      `WalletCredited 100000 ${atLimit.body.transferId}`,
    ]);
    expect(await viewAfter(payer.user, payer.walletId, atLimit)).toMatchObject({
      balance: '100000', available: '100000',
    });
  });

  test('a USD wallet cannot pay a MYR wallet, nor itself', async () => {
    const payer = await signUp(app, 'traveller');
    const usd = await openWallet(app, payer, 'USD');
    expect((await fund(app, admin, usd, '5000', 'USD')).status).toBe(201);
    const myr = await customer('friend', '0');
    const mismatched = await transfer(app, payer, {
      sourceWalletId: usd, targetWalletId: myr.walletId, amount: '100', currency: 'USD',
    });
    expect(problemOf(mismatched)).toEqual(aProblem(422, 'currency_mismatch'));
    const wrongCurrency = await transfer(app, payer, {
      sourceWalletId: usd, targetWalletId: myr.walletId, amount: '100', currency: 'MYR',
    });
    expect(problemOf(wrongCurrency)).toEqual(aProblem(422, 'currency_mismatch'));
    const self = await transfer(app, payer, {
      sourceWalletId: usd, targetWalletId: usd, amount: '100', currency: 'USD',
    });
    expect(problemOf(self)).toEqual(aProblem(422, 'same_wallet'));
    expect(await viewAfter(payer, usd, self)).toMatchObject({ balance: '5000' });
    expect(await ledgerOf(usd)).toEqual([
      fundedLine('5000'),
      ...[mismatched, wrongCurrency, self].map((refused) =>
        `TransferRejected ${refused.body.code} ${refused.body.transferId}`),
    ]);
    expect(await ledgerOf(myr.walletId)).toEqual([]);
  });
});

const redisUrl = testEnv.redisUrl();
if (!redisUrl) process.stdout.write(`[holds] Redis part skipped: ${testEnv.redisSkipReason()}\n`);
(redisUrl ? describe : describe.skip)('with Redis', () => {
  let cached: TestApp;
  beforeAll(async () => {
    cached = await startTestApp({ redis: true });
  });
  afterAll(() => cached?.stop());

  test('the cached wallet view follows holds and captures without X-Min-Position', async () => {
    const boss = await withRole(cached, await signUp(cached, 'admin'), 'admin');
    const payer = await signUp(cached, 'payer');
    const walletId = await openWallet(cached, payer);
    const friend = await signUp(cached, 'friend');
    const target = await openWallet(cached, friend);
    expect((await fund(cached, boss, walletId, '9000')).status).toBe(201);
    const placed = await call(cached, 'POST', `/v1/wallets/${walletId}/holds`, {
      token: payer.token, headers: withKey(), body: { amount: '4000', currency: 'MYR', reason: 'x' },
    });
    const captured = await call(cached, 'POST', `/v1/holds/${placed.body.holdId}/capture`, {
      token: payer.token, headers: withKey(), body: { targetWalletId: target, amount: '1000' },
    });
    expect(captured.status).toBe(200);
    const settled = await eventually(async () => {
      const view = await call(cached, 'GET', `/v1/wallets/${walletId}`, { token: payer.token });
      return view.body.balance === '8000' ? view.body : undefined;
    }, 'the cached view shows the capture');
    expect(settled).toMatchObject({ balance: '8000', held: '0', available: '8000' });
    const out = await call(cached, 'POST', '/v1/auth/logout', { token: payer.token });
    expect(out.status).toBe(204);
    const after = await call(cached, 'GET', `/v1/wallets/${walletId}`, { token: payer.token });
    expect(problemOf(after)).toEqual(aProblem(401, 'invalid_token'));
  });
});
