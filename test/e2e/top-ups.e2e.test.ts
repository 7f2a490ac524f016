// Goal: card top-ups through Stripe (a local fake at STRIPE_API_BASE) credit a wallet exactly
// once whatever the webhooks do: the happy path over HTTP; the same signed webhook ten times,
// five at once; async success before `completed`, `expired` after success; async failure;
// forged, stale and re-serialized deliveries refused with nothing stored; Stripe unreachable
// answered 503 and finished by a retry with the same Idempotency-Key. At the end the clearing
// account holds exactly minus what was credited.
import { randomUUID } from 'node:crypto';
import { startFakeStripeServer, type FakeStripeServer } from '../../shared/testing/fake-stripe-server';
import { call, openWallet, signUp, withRole, type User } from '../support/api';
import { aProblem, eventually, problemOf } from '../support/ledger-checks';
import {
  checkoutWebhook, clearingBalance, requestTopUp, sendWebhook, stripeEnv, topUpBecomes,
  topUpCredits, creditsFor, topUpStatus, WEBHOOK_SECRET,
} from '../support/stripe-flow';
import { signStripePayload } from '../../shared/adapters/payments/stripe-signature';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { startTestApp, type TestApp } from '../support/test-app';

let fake: FakeStripeServer;
let app: TestApp;
let alice: User;
let walletId: string;
let credited = 0n;

beforeAll(async () => {
  fake = await startFakeStripeServer();
  app = await startTestApp({ env: stripeEnv(fake.url) });
  alice = await signUp(app, 'alice');
  walletId = await openWallet(app, alice);
});
afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

/** A top-up requested over HTTP, with the fake's session for it. */
async function pendingTopUp(amount: string) {
  const reply = await requestTopUp(app, alice, walletId, amount);
  expect(reply.status).toBe(201);
  expect(reply.body).toEqual({
    topUpId: expect.any(String), status: 'pending', checkoutUrl: expect.stringContaining('cs_test_'),
  });
  const session = fake.sessions().find((s) => s.client_reference_id === reply.body.topUpId)!;
  expect(session).toMatchObject({
    mode: 'payment',
    amount_total: Number(amount),
    currency: 'myr',
    metadata: { topUpId: reply.body.topUpId, walletId },
  });
  const position = reply.headers.get('x-ledger-position')!;
  return { topUpId: reply.body.topUpId as string, session, position };
}

const balanceOf = async () =>
  (await call(app, 'GET', `/v1/wallets/${walletId}`, { token: alice.token })).body.balance;

test('happy path: paid webhook credits once, the top-up reads completed', async () => {
  const { topUpId, session, position } = await pendingTopUp('2500');
  expect(await topUpStatus(app, alice, topUpId, position)).toBe('pending');
  const paid = fake.pay(session.id);
  const answer = await sendWebhook(app, checkoutWebhook(paid, 'checkout.session.completed'));
  expect(answer.status).toBe(200);
  await topUpBecomes(app, alice, topUpId, 'completed');
  credited += 2500n;
  expect(await topUpCredits(app, walletId)).toEqual([`WalletCredited 2500 ${topUpId}`]);
  await eventually(async () => ((await balanceOf()) === '2500' ? true : undefined), 'balance');
  const history = await call(app, 'GET', `/v1/wallets/${walletId}/transactions`, { token: alice.token });
  expect(history.body.items.filter((item: { kind: string }) => item.kind === 'top_up')).toHaveLength(1);
});

test('the same signed webhook 10 times, 5 at once: one credit, every answer 200', async () => {
  const { topUpId, session } = await pendingTopUp('700');
  const body = checkoutWebhook(fake.pay(session.id), 'checkout.session.completed');
  const concurrent = await Promise.all(Array.from({ length: 5 }, () => sendWebhook(app, body)));
  const sequential = [];
  for (let i = 0; i < 5; i += 1) sequential.push(await sendWebhook(app, body));
  expect([...concurrent, ...sequential].map((r) => r.status)).toEqual(Array(10).fill(200));
  credited += 700n;
  expect(await creditsFor(app, walletId, topUpId)).toHaveLength(1);
  await topUpBecomes(app, alice, topUpId, 'completed');
});

test('async success before completed, expired after success: one credit, completed', async () => {
  const { topUpId, session } = await pendingTopUp('300');
  const paid = fake.pay(session.id);
  for (const type of [
    'checkout.session.async_payment_succeeded',
    'checkout.session.completed',
    'checkout.session.expired',
  ]) {
    expect((await sendWebhook(app, checkoutWebhook(paid, type))).status).toBe(200);
  }
  credited += 300n;
  expect(await creditsFor(app, walletId, topUpId)).toHaveLength(1);
  await topUpBecomes(app, alice, topUpId, 'completed');
});

test('async payment failed: failed, nothing credited; a later success changes nothing', async () => {
  const { topUpId, session } = await pendingTopUp('400');
  const failed = checkoutWebhook(session, 'checkout.session.async_payment_failed');
  expect((await sendWebhook(app, failed)).status).toBe(200);
  const late = checkoutWebhook(fake.pay(session.id), 'checkout.session.async_payment_succeeded');
  expect((await sendWebhook(app, late)).status).toBe(200);
  await topUpBecomes(app, alice, topUpId, 'failed');
  expect(await creditsFor(app, walletId, topUpId)).toEqual([]);
});

test('forged, stale and re-serialized deliveries: 400 invalid_signature, nothing credited', async () => {
  const { topUpId, session, position } = await pendingTopUp('900');
  const body = checkoutWebhook(fake.pay(session.id), 'checkout.session.completed');
  const forged = await sendWebhook(app, body, { signature: `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` });
  const stale = await sendWebhook(app, body, { timestamp: Math.floor(Date.now() / 1000) - 301 });
  const reserialized = JSON.stringify(JSON.parse(body), null, 2);
  const signedOriginal = signStripePayload(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
  const tampered = await sendWebhook(app, reserialized, { signature: signedOriginal });
  const unsigned = await fetch(`${app.url}/v1/webhooks/stripe`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body,
  });
  for (const answer of [forged, stale, tampered, unsigned]) {
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { code: string }).code).toBe('invalid_signature');
  }
  expect(await creditsFor(app, walletId, topUpId)).toEqual([]);
  expect(await topUpStatus(app, alice, topUpId, position)).toBe('pending');
});

test('Stripe unreachable: 503, and a retry with the same key finishes the same top-up', async () => {
  const key = randomUUID();
  fake.setOutage(true);
  const refused = await requestTopUp(app, alice, walletId, '100', key);
  fake.setOutage(false);
  expect(problemOf(refused)).toEqual(aProblem(503, 'unavailable'));
  const retried = await requestTopUp(app, alice, walletId, '100', key);
  expect(retried.status).toBe(201);
  const again = await requestTopUp(app, alice, walletId, '100', key);
  expect(again.text).toBe(retried.text);
  const sessions = fake.sessions().filter((s) => s.client_reference_id === retried.body.topUpId);
  expect(sessions).toHaveLength(1);
});

test('refusals: foreign wallet 404, other currency or frozen 422, no key 400', async () => {
  const bob = await signUp(app, 'bob');
  expect(problemOf(await requestTopUp(app, bob, walletId, '100'))).toEqual(aProblem(404, 'not_found'));
  const sgd = await call(app, 'POST', `/v1/wallets/${walletId}/top-ups`, {
    token: alice.token, headers: { 'idempotency-key': randomUUID() }, body: { amount: '100', currency: 'SGD' },
  });
  expect(problemOf(sgd)).toEqual(aProblem(422, 'currency_mismatch'));
  const noKey = await call(app, 'POST', `/v1/wallets/${walletId}/top-ups`, {
    token: alice.token, body: { amount: '100', currency: 'MYR' },
  });
  expect(problemOf(noKey)).toEqual(aProblem(400, 'idempotency_key_required'));
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const frozenWallet = await openWallet(app, alice);
  const freeze = await call(app, 'POST', `/v1/admin/wallets/${frozenWallet}/freeze`, {
    token: admin.token, body: { reason: 'investigation' },
  });
  expect(freeze.status).toBe(200);
  const refused = await requestTopUp(app, alice, frozenWallet, '100');
  expect(problemOf(refused)).toEqual(aProblem(422, 'wallet_frozen'));
});

test('a paid session of another amount is not credited (logged and counted)', async () => {
  const { topUpId, session } = await pendingTopUp('500');
  const body = checkoutWebhook(fake.pay(session.id), 'checkout.session.completed', undefined, {
    amount_total: 50,
  });
  const answer = await sendWebhook(app, body);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ received: true, outcome: 'amount_mismatch' });
  expect(await creditsFor(app, walletId, topUpId)).toEqual([]);
});

test('metrics count top-ups and webhooks by outcome, never by id', async () => {
  const samples = parseSamples(await (await fetch(`${app.url}/metrics`)).text());
  const topUps = (outcome: string) => sampleValue(samples, 'tng_topups_total', { outcome });
  expect([topUps('requested'), topUps('completed'), topUps('failed'), topUps('expired')])
    .toEqual([7, 3, 1, 0]);
  const webhooks = (type: string, outcome: string) =>
    sampleValue(samples, 'tng_stripe_webhooks_total', { type, outcome });
  expect(webhooks('checkout.session.completed', 'processed')).toBe(2);
  expect(webhooks('checkout.session.completed', 'duplicate')).toBe(10);
  expect(webhooks('checkout.session.expired', 'duplicate')).toBe(1);
  expect(webhooks('checkout.session.async_payment_failed', 'processed')).toBe(1);
  expect(webhooks('other', 'invalid_signature')).toBe(4);
  expect(webhooks('checkout.session.completed', 'amount_mismatch')).toBe(1);
  expect(webhooks('customer.subscription.deleted', 'processed')).toBe(0);
});

test('conservation: the clearing account holds minus everything credited', async () => {
  expect(await clearingBalance(app)).toBe(-credited);
  expect(credited).toBe(3500n);
});
