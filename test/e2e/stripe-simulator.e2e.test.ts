// Goal: in the embedded default (no STRIPE_SECRET_KEY) the built-in simulator stands in for
// Stripe end to end: the checkout URL is our own page; its Pay button sends a correctly
// signed webhook to our own endpoint and the wallet is credited once, even when Pay is pressed
// twice; Cancel leaves the top-up pending until the local timeout (short here) expires it.
// The premium checkout pays through the same page and makes the user PREMIUM.
import { call, openWallet, signUp, type Reply, type User } from '../support/api';
import { eventually } from '../support/ledger-checks';
import { clearingBalance, requestTopUp, topUpBecomes, topUpCredits, creditsFor, topUpStatus } from '../support/stripe-flow';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let alice: User;
let walletId: string;

beforeAll(async () => {
  app = await startTestApp({
    env: { TOPUP_EXPIRY_SECONDS: '2', TOPUP_EXPIRY_INTERVAL_MS: '200', BACKGROUND_THREAD: 'on' },
  });
  alice = await signUp(app, 'alice');
  walletId = await openWallet(app, alice);
});
afterAll(() => app?.stop());

/** What a browser does with the page's form: an empty urlencoded POST. */
const press = (checkoutUrl: string, button: 'pay' | 'cancel'): Promise<Reply> =>
  call(app, 'POST', `${new URL(checkoutUrl).pathname}/${button}`, {
    raw: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

test('the checkout page is ours; Pay credits the wallet once, pressed twice', async () => {
  const reply = await requestTopUp(app, alice, walletId, '1500');
  expect(reply.status).toBe(201);
  const { topUpId, checkoutUrl } = reply.body;
  expect(checkoutUrl).toMatch(new RegExp(`^${app.url}/simulator/checkout/cs_sim_[0-9a-f]+$`));
  const page = await call(app, 'GET', new URL(checkoutUrl).pathname);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Pay');
  expect(page.text).toContain('Wallet top-up: 15.00 MYR');
  expect((await press(checkoutUrl, 'pay')).text).toContain('webhook delivered');
  expect((await press(checkoutUrl, 'pay')).status).toBe(200);
  await topUpBecomes(app, alice, topUpId, 'completed');
  expect(await topUpCredits(app, walletId)).toEqual([`WalletCredited 1500 ${topUpId}`]);
});

test('Cancel leaves the top-up pending, then the local timeout expires it', async () => {
  const reply = await requestTopUp(app, alice, walletId, '600');
  const { topUpId, checkoutUrl } = reply.body;
  expect((await press(checkoutUrl, 'cancel')).text).toContain('Cancelled');
  const position = reply.headers.get('x-ledger-position')!;
  expect(await topUpStatus(app, alice, topUpId, position)).toBe('pending');
  await eventually(
    async () => ((await topUpStatus(app, alice, topUpId)) === 'expired' ? true : undefined),
    'expired by the local timeout',
    15_000,
  );
  expect((await press(checkoutUrl, 'pay')).text).toContain('cannot be paid');
  expect(await creditsFor(app, walletId, topUpId)).toEqual([]);
});

test('premium through the simulator: Pay makes the user PREMIUM', async () => {
  const bob = await signUp(app, 'bob');
  const checkout = await call(app, 'POST', '/v1/plan/premium', { token: bob.token });
  expect(checkout.status).toBe(201);
  expect((await press(checkout.body.checkoutUrl, 'pay')).text).toContain('webhook delivered');
  const me = await call(app, 'GET', '/v1/me', { token: bob.token });
  expect(me.body.plan).toBe('PREMIUM');
});

test('an unknown session is 404; conservation holds', async () => {
  expect((await call(app, 'GET', '/simulator/checkout/cs_sim_00')).status).toBe(404);
  expect(await clearingBalance(app)).toBe(-1500n);
});
