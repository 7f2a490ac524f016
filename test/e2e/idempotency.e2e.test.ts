// Goal: an Idempotency-Key makes a money command take effect exactly once, through real HTTP.
// Twenty concurrent twins (one key, one body) move the money once and all get the same status
// and byte-identical body; a later retry gets that body again; the key with another body is
// 422 idempotency_key_reused; every money route of docs/api.md refuses a missing key with 400
// idempotency_key_required; keys are scoped per user. Transfers, holds and adjustments alike.
import { randomUUID } from 'node:crypto';
import {
  call, fund, inParallel, openWallet, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import {
  aProblem, auditStream, maxPositionToken, problemOf, storedEventCount,
} from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';

const TWINS = 20;

let app: TestApp;
let admin: User;
let auditor: User;
beforeAll(async () => {
  app = await startTestApp();
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
});
afterAll(() => app?.stop());

/** A customer with a wallet funded by `amount`, and a friend's wallet to pay into. */
async function fundedPair(amount = '10000') {
  const owner = await signUp(app, 'owner');
  const friend = await signUp(app, 'friend');
  const source = await openWallet(app, owner);
  const target = await openWallet(app, friend);
  expect((await fund(app, admin, source, amount)).status).toBe(201);
  return { owner, friend, source, target };
}

const twins = (send: () => Promise<Reply>) =>
  inParallel(Array.from({ length: TWINS }, () => send), TWINS);

/** All replies alike: one status, one body byte for byte, each with a ledger position. */
function expectIdentical(replies: readonly Reply[], status: number): void {
  expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([status]));
  expect(new Set(replies.map((reply) => reply.text)).size).toBe(1);
  const unpositioned = replies.filter((reply) => !reply.headers.get('x-ledger-position'));
  expect(unpositioned.length).toBe(0);
}

async function walletView(user: User, walletId: string, replies: readonly Reply[]) {
  const position = maxPositionToken(replies.map((reply) => reply.headers.get('x-ledger-position')));
  const view = await call(app, 'GET', `/v1/wallets/${walletId}`, {
    token: user.token,
    headers: { 'x-min-position': position },
  });
  return view.body;
}

const eventsOf = async (walletId: string, type: string) =>
  (await auditStream(app, auditor, `wallet-${walletId}`)).filter((event) => event.type === type);

describe('transfers', () => {
  test('twenty concurrent twins move the money once and get identical replies', async () => {
    const { owner, friend, source, target } = await fundedPair();
    const key = randomUUID();
    const body = { sourceWalletId: source, targetWalletId: target, amount: '700' };

    const replies = await twins(() => transfer(app, owner, body, key));
    expectIdentical(replies, 201);
    const later = await transfer(app, owner, body, key);
    expect(later.status).toBe(201);
    expect(later.text).toBe(replies[0]!.text);

    const debits = await eventsOf(source, 'WalletDebited');
    expect(debits.map((event) => event.data.movementId)).toEqual([replies[0]!.body.transferId]);
    expect((await eventsOf(target, 'WalletCredited')).length).toBe(1);
    expect(await walletView(owner, source, [...replies, later])).toMatchObject({
      balance: '9300',
    });
    expect(await walletView(friend, target, replies)).toMatchObject({ balance: '700' });
  });

  test('twins of a refused transfer are refused once, identically, with one rejection', async () => {
    const { owner, source, target } = await fundedPair('100');
    const key = randomUUID();
    const body = { sourceWalletId: source, targetWalletId: target, amount: '101' };

    const replies = await twins(() => transfer(app, owner, body, key));
    expectIdentical(replies, 422);
    expect(problemOf(replies[0]!)).toEqual(aProblem(422, 'insufficient_funds'));
    const later = await transfer(app, owner, body, key);
    expect(later.text).toBe(replies[0]!.text);
    expect((await eventsOf(source, 'TransferRejected')).length).toBe(1);
  });

  test('the same key with another body or route is refused, and changes nothing', async () => {
    const { owner, source, target } = await fundedPair();
    const key = randomUUID();
    const first = await transfer(app, owner, {
      sourceWalletId: source, targetWalletId: target, amount: '100',
    }, key);
    expect(first.status).toBe(201);
    const changed = await transfer(app, owner, {
      sourceWalletId: source, targetWalletId: target, amount: '200',
    }, key);
    expect(problemOf(changed)).toEqual(aProblem(422, 'idempotency_key_reused'));
    const noted = await transfer(app, owner, {
      sourceWalletId: source, targetWalletId: target, amount: '100', note: 'again',
    }, key);
    expect(problemOf(noted)).toEqual(aProblem(422, 'idempotency_key_reused'));
    const elsewhere = await call(app, 'POST', `/v1/wallets/${source}/holds`, {
      token: owner.token,
      headers: { 'idempotency-key': key },
      body: { amount: '100', currency: 'MYR', reason: 'same key, other route' },
    });
    expect(problemOf(elsewhere)).toEqual(aProblem(422, 'idempotency_key_reused'));
    expect((await eventsOf(source, 'WalletDebited')).length).toBe(1);
  });

  test('keys are per user: another user may use the same key for their own transfer', async () => {
    const first = await fundedPair();
    const second = await fundedPair();
    const key = `shared-${randomUUID()}`;
    const mine = await transfer(app, first.owner, {
      sourceWalletId: first.source, targetWalletId: first.target, amount: '100',
    }, key);
    const theirs = await transfer(app, second.owner, {
      sourceWalletId: second.source, targetWalletId: second.target, amount: '250',
    }, key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.transferId).not.toBe(mine.body.transferId);
    expect(await walletView(second.owner, second.source, [theirs])).toMatchObject({
      balance: '9750',
    });
    // The second user replaying the first user's exact body is still their own request: it
    // names a wallet they do not own, so it is 404, never the first user's stored 201.
    const borrowed = await transfer(app, second.owner, {
      sourceWalletId: first.source, targetWalletId: first.target, amount: '100',
    }, `other-${randomUUID()}`);
    expect(problemOf(borrowed)).toEqual(aProblem(404, 'not_found'));
    // Each moved its own money once; the borrowed body moved nothing.
    expect((await eventsOf(first.source, 'WalletDebited')).map((event) => event.data))
      .toEqual([expect.objectContaining({ movementId: mine.body.transferId, amountMinor: '100' })]);
    expect((await eventsOf(second.source, 'WalletDebited')).map((event) => event.data))
      .toEqual([expect.objectContaining({ movementId: theirs.body.transferId, amountMinor: '250' })]);
    expect(await walletView(first.owner, first.source, [mine, theirs])).toMatchObject({
      balance: '9900',
    });
  });
});

describe('holds and adjustments', () => {
  test('twenty concurrent twins place one hold, with identical replies', async () => {
    const { owner, source } = await fundedPair();
    const key = randomUUID();
    const place = () =>
      call(app, 'POST', `/v1/wallets/${source}/holds`, {
        token: owner.token,
        headers: { 'idempotency-key': key },
        body: { amount: '400', currency: 'MYR', reason: 'hotel deposit' },
      });
    const replies = await twins(place);
    expectIdentical(replies, 201);
    expect(replies[0]!.body).toMatchObject({ status: 'active', expiresAt: expect.any(String) });
    expect((await place()).text).toBe(replies[0]!.text);
    expect((await eventsOf(source, 'HoldPlaced')).length).toBe(1);
    expect(await walletView(owner, source, replies)).toMatchObject({
      balance: '10000', held: '400', available: '9600',
    });
    const other = await call(app, 'POST', `/v1/wallets/${source}/holds`, {
      token: owner.token,
      headers: { 'idempotency-key': key },
      body: { amount: '401', currency: 'MYR', reason: 'hotel deposit' },
    });
    expect(problemOf(other)).toEqual(aProblem(422, 'idempotency_key_reused'));
  });

  test('twenty concurrent twins capture a hold once', async () => {
    const { owner, friend, source, target } = await fundedPair();
    const placed = await call(app, 'POST', `/v1/wallets/${source}/holds`, {
      token: owner.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '1000', currency: 'MYR', reason: 'taxi' },
    });
    expect(placed.status).toBe(201);
    const key = randomUUID();
    const replies = await twins(() =>
      call(app, 'POST', `/v1/holds/${placed.body.holdId}/capture`, {
        token: owner.token,
        headers: { 'idempotency-key': key },
        body: { targetWalletId: target, amount: '600' },
      }),
    );
    expectIdentical(replies, 200);
    expect(replies[0]!.body).toMatchObject({ capturedAmount: '600', releasedAmount: '400' });
    expect(await walletView(owner, source, replies)).toMatchObject({
      balance: '9400', held: '0', available: '9400',
    });
    expect(await walletView(friend, target, replies)).toMatchObject({ balance: '600' });
  });

  test('twenty concurrent twins of an adjustment credit once', async () => {
    const owner = await signUp(app, 'owner');
    const walletId = await openWallet(app, owner);
    const key = randomUUID();
    const adjust = (amount: string) =>
      call(app, 'POST', `/v1/admin/wallets/${walletId}/adjustments`, {
        token: admin.token,
        headers: { 'idempotency-key': key },
        body: { amount, currency: 'MYR', direction: 'credit', reason: 'goodwill' },
      });
    const replies = await twins(() => adjust('5000'));
    expectIdentical(replies, 201);
    expect((await adjust('5000')).text).toBe(replies[0]!.text);
    expect(problemOf(await adjust('5001'))).toEqual(aProblem(422, 'idempotency_key_reused'));
    expect((await eventsOf(walletId, 'WalletCredited')).length).toBe(1);
    expect(await walletView(owner, walletId, replies)).toMatchObject({ balance: '5000' });
  });
});

describe('a missing Idempotency-Key', () => {
  test('is 400 idempotency_key_required on every money route, and stores nothing', async () => {
    const { owner, source, target } = await fundedPair();
    const merchant = await withRole(app, await signUp(app, 'merchant'), 'merchant');
    const hold = await call(app, 'POST', `/v1/wallets/${source}/holds`, {
      token: owner.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '100', currency: 'MYR', reason: 'deposit' },
    });
    expect(hold.status).toBe(201);
    const routes: Array<[User, string, Record<string, unknown>]> = [
      [owner, '/v1/transfers', {
        sourceWalletId: source, targetWalletId: target, amount: '1', currency: 'MYR',
      }],
      [owner, '/v1/payments', {
        sourceWalletId: source, merchantId: merchant.userId, amount: '1', currency: 'MYR',
        reference: 'order-1',
      }],
      [owner, `/v1/wallets/${source}/holds`, { amount: '1', currency: 'MYR', reason: 'x' }],
      [owner, `/v1/holds/${hold.body.holdId}/capture`, { targetWalletId: target }],
      [admin, `/v1/admin/wallets/${source}/adjustments`, {
        amount: '1', currency: 'MYR', direction: 'credit', reason: 'x',
      }],
    ];
    if (app.server.app.hasRoute({ method: 'POST', url: '/v1/wallets/:walletId/top-ups' })) {
      routes.push([owner, `/v1/wallets/${source}/top-ups`, { amount: '1000', currency: 'MYR' }]);
    } else {
      process.stdout.write('[idempotency] POST /v1/wallets/:walletId/top-ups is not served\n');
    }
    const before = await storedEventCount(app);
    for (const [user, path, body] of routes) {
      const reply = await call(app, 'POST', path, { token: user.token, body });
      expect({ path, ...problemOf(reply) }).toEqual({
        path, ...aProblem(400, 'idempotency_key_required'),
      });
    }
    expect(await storedEventCount(app)).toBe(before);
  });

  test('a malformed key is 400 invalid_request', async () => {
    const { owner, source, target } = await fundedPair();
    const body = { sourceWalletId: source, targetWalletId: target, amount: '1' };
    for (const key of ['', 'a'.repeat(256)]) {
      const reply = await transfer(app, owner, body, key);
      expect({ key, ...problemOf(reply) }).toEqual({ key, ...aProblem(400, 'invalid_request') });
    }
  });
});
