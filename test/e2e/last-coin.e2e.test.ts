// Goal: the last coin cannot be spent twice. Fifty concurrent transfers of a wallet's whole
// balance, each with its own Idempotency-Key, through real HTTP: exactly one succeeds, the
// other 49 are refused 422 insufficient_funds, and the wallet ends at zero. Its history
// lists the 49 failed attempts, and walking it page by page gives the same list.
import { call, fund, inParallel, openWallet, signUp, transfer, withRole } from '../support/api';
import { aProblem, maxPositionToken, problemOf, sumMinor } from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';

const BALANCE_MINOR = 12_345n;
const ATTEMPTS = 50;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

test('fifty concurrent transfers of the whole balance: one succeeds, 49 are refused', async () => {
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const spender = await signUp(app, 'spender');
  const source = await openWallet(app, spender);
  const friends = await Promise.all([signUp(app, 'friend-a'), signUp(app, 'friend-b')]);
  const targets = [
    await openWallet(app, friends[0]!),
    await openWallet(app, friends[1]!),
    await openWallet(app, spender),
  ];
  expect((await fund(app, admin, source, BALANCE_MINOR.toString())).status).toBe(201);

  const replies = await inParallel(
    Array.from({ length: ATTEMPTS }, (_, index) => () =>
      transfer(app, spender, {
        sourceWalletId: source,
        targetWalletId: targets[index % targets.length]!,
        amount: BALANCE_MINOR.toString(),
      }),
    ),
    ATTEMPTS,
  );

  const accepted = replies.filter((reply) => reply.status === 201);
  const refused = replies.filter((reply) => reply.status !== 201);
  expect(accepted).toHaveLength(1);
  expect(refused.map(problemOf)).toEqual(
    refused.map(() => aProblem(422, 'insufficient_funds')),
  );
  const transferIds = new Set(replies.map((reply) => reply.body.transferId));
  expect(transferIds.size).toBe(ATTEMPTS);

  const fresh = { 'x-min-position': maxPositionToken(replies.map((r) => r.headers.get('x-ledger-position'))) };
  const wallet = await call(app, 'GET', `/v1/wallets/${source}`, {
    token: spender.token,
    headers: fresh,
  });
  expect(wallet.body).toMatchObject({ balance: '0', available: '0', held: '0' });
  const balances = await Promise.all(
    targets.map(async (target, index) => {
      const owner = index < friends.length ? friends[index]! : spender;
      const view = await call(app, 'GET', `/v1/wallets/${target}`, {
        token: owner.token,
        headers: fresh,
      });
      return view.body.balance as string;
    }),
  );
  expect(sumMinor(balances)).toBe(BALANCE_MINOR);

  const history = await call(app, 'GET', `/v1/wallets/${source}/transactions?limit=100`, {
    token: spender.token,
    headers: fresh,
  });
  const failed = history.body.items.filter(
    (item: { kind: string; status: string }) => item.kind === 'transfer' && item.status === 'failed',
  );
  expect(failed).toHaveLength(ATTEMPTS - 1);

  // The same history walked in pages of 7: every item once, newest first, nothing skipped.
  const paged: Array<{ transactionId: string }> = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const slice = await call(app, 'GET', `/v1/wallets/${source}/transactions?limit=7${query}`, {
      token: spender.token,
    });
    expect(slice.status).toBe(200);
    expect(slice.body.items.length).toBeLessThanOrEqual(7);
    paged.push(...slice.body.items);
    cursor = slice.body.nextCursor;
    if (cursor === null) break;
  }
  expect(cursor).toBeNull();
  expect(paged).toEqual(history.body.items);
});
