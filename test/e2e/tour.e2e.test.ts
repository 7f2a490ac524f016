// The five-minute tour of README through real HTTP: register, log in, open wallets, fund by
// adjustment, transfer, read the balance with read-your-writes, and see history.
import { call, fund, openWallet, signUp, transfer, withRole, type User } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let admin: User;
beforeAll(async () => {
  // In a background thread, as `npm start` runs on 4 cores or more.
  app = await startTestApp({ env: { BACKGROUND_THREAD: 'on' } });
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
});
afterAll(() => app.stop());

test('a transfer moves money and both sides see it, to the last sen', async () => {
  const amira = await signUp(app, 'amira');
  const bo = await signUp(app, 'bo');
  const source = await openWallet(app, amira);
  const target = await openWallet(app, bo);
  expect((await fund(app, admin, source, '10000')).status).toBe(201);

  const sent = await transfer(app, amira, {
    sourceWalletId: source,
    targetWalletId: target,
    amount: '1050',
    note: 'nasi lemak',
  });
  expect(sent.status).toBe(201);
  expect(sent.body).toMatchObject({ status: 'completed', amount: '1050', currency: 'MYR' });
  const position = sent.headers.get('x-ledger-position')!;
  expect(position).toMatch(/^\d+\.\d+$/);

  const fresh = { 'x-min-position': position };
  const mine = await call(app, 'GET', `/v1/wallets/${source}`, {
    token: amira.token,
    headers: fresh,
  });
  expect(mine.body).toMatchObject({ balance: '8950', available: '8950', held: '0' });
  const theirs = await call(app, 'GET', `/v1/wallets/${target}`, {
    token: bo.token,
    headers: fresh,
  });
  expect(theirs.body.balance).toBe('1050');

  const history = await call(app, 'GET', `/v1/wallets/${target}/transactions`, {
    token: bo.token,
    headers: fresh,
  });
  expect(history.body.items[0]).toMatchObject({
    transactionId: sent.body.transferId,
    kind: 'transfer',
    direction: 'credit',
    amount: '1050',
    balanceAfter: '1050',
    counterpartyWalletId: source,
    status: 'completed',
    note: 'nasi lemak',
  });
  const detail = await call(app, 'GET', `/v1/transfers/${sent.body.transferId}`, {
    token: bo.token,
    headers: fresh,
  });
  expect(detail.body).toMatchObject({ status: 'completed', sourceWalletId: source });
});
