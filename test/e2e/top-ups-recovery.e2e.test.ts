// Goal: what Stripe could not tell us, we still get right. A webhook whose credit committed
// but whose reply never reached Stripe (the server died in between) is retried by Stripe and
// credits nothing more. `tng stripe reconcile --since` (the real CLI) credits a paid session
// whose webhook never came, prints what it did, and a second run does nothing; a webhook that
// arrives after reconciliation changes nothing either.
import { deliverWebhook, startFakeStripeServer, type FakeStripeServer } from '../../shared/testing/fake-stripe-server';
import { openWallet, signUp, type User } from '../support/api';
import { runTng } from '../support/ledger-checks';
import { startReplyDroppingProxy } from '../support/reply-dropping-proxy';
import {
  checkoutWebhook, clearingBalance, requestTopUp, sendWebhook, stripeEnv, topUpBecomes,
  topUpCredits, creditsFor, WEBHOOK_SECRET,
} from '../support/stripe-flow';
import { startTestApp, type TestApp } from '../support/test-app';

let fake: FakeStripeServer;
let app: TestApp;
let alice: User;
let walletId: string;

beforeAll(async () => {
  fake = await startFakeStripeServer();
  app = await startTestApp({ env: stripeEnv(fake.url) });
  // The CLI child process reads its configuration from the environment, as an operator's would.
  Object.assign(process.env, stripeEnv(fake.url));
  alice = await signUp(app, 'alice');
  walletId = await openWallet(app, alice);
});
afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

async function paidSession(amount: string) {
  const reply = await requestTopUp(app, alice, walletId, amount);
  expect(reply.status).toBe(201);
  const topUpId = reply.body.topUpId as string;
  const session = fake.sessions().find((s) => s.client_reference_id === topUpId)!;
  return { topUpId, session: fake.pay(session.id) };
}

test('the reply is lost after the credit committed; Stripe retries: one credit', async () => {
  const { topUpId, session } = await paidSession('1200');
  const body = checkoutWebhook(session, 'checkout.session.completed');
  const proxy = await startReplyDroppingProxy(new URL(app.url));
  await expect(deliverWebhook(`${proxy.url}/v1/webhooks/stripe`, body, WEBHOOK_SECRET)).rejects.toThrow();
  await proxy.close();
  expect(await topUpCredits(app, walletId)).toEqual([`WalletCredited 1200 ${topUpId}`]);
  const retried = await sendWebhook(app, body);
  expect(retried.status).toBe(200);
  expect(await retried.json()).toEqual({ received: true, outcome: 'duplicate' });
  expect(await topUpCredits(app, walletId)).toEqual([`WalletCredited 1200 ${topUpId}`]);
});

test('reconcile credits a paid session whose webhook never came; a second run does nothing', async () => {
  const since = new Date(Date.now() - 60_000).toISOString();
  const { topUpId, session } = await paidSession('800');
  const first = await runTng(app.db.url, 'stripe', 'reconcile', '--since', since, '--json');
  expect(first.stderr).not.toContain('tng:');
  expect(first.code).toBe(0);
  const report = JSON.parse(first.stdout);
  expect(report.credited).toBe(1);
  expect(report.lines).toContainEqual({ sessionId: session.id, topUpId, action: 'credited' });
  expect(await creditsFor(app, walletId, topUpId)).toHaveLength(1);
  await topUpBecomes(app, alice, topUpId, 'completed');

  const second = await runTng(app.db.url, 'stripe', 'reconcile', '--since', since);
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/nothing to credit/);
  const late = await sendWebhook(app, checkoutWebhook(session, 'checkout.session.completed'));
  expect(await late.json()).toEqual({ received: true, outcome: 'duplicate' });
  expect(await creditsFor(app, walletId, topUpId)).toHaveLength(1);
});

test('reconcile refuses a malformed --since with exit 2', async () => {
  const run = await runTng(app.db.url, 'stripe', 'reconcile', '--since', 'yesterday');
  expect(run.code).toBe(2);
});

test('tng projections verify and rebuild top_ups agree with the live read model', async () => {
  const verify = await runTng(app.db.url, 'projections', 'verify', 'top_ups');
  expect(verify.code).toBe(0);
  const rebuild = await runTng(app.db.url, 'projections', 'rebuild', 'top_ups');
  expect(rebuild.code).toBe(0);
  expect((await runTng(app.db.url, 'projections', 'verify', 'top_ups')).code).toBe(0);
});

test('conservation: the clearing account holds minus everything credited', async () => {
  expect(await clearingBalance(app)).toBe(-2000n);
  const audit = await runTng(app.db.url, 'audit', 'verify', '--json');
  expect(audit.stderr).not.toContain('tng:');
  expect(audit.code).toBe(0);
});
