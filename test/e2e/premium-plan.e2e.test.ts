// Goal: the premium plan follows Stripe's subscription webhooks (against the fake Stripe):
// POST /v1/plan/premium gives a subscription checkout carrying metadata.userId; an active
// subscription makes the user PREMIUM, a cancelled or deleted one FREE again; a replayed
// event, or one older than the last change, changes nothing; every verified event is 200.
import { randomUUID } from 'node:crypto';
import { startFakeStripeServer, stripeEvent, type FakeStripeServer } from '../../shared/testing/fake-stripe-server';
import { call, signUp, type User } from '../support/api';
import { sendWebhook, stripeEnv } from '../support/stripe-flow';
import { startTestApp, type TestApp } from '../support/test-app';

let fake: FakeStripeServer;
let app: TestApp;
let carol: User;

beforeAll(async () => {
  fake = await startFakeStripeServer();
  app = await startTestApp({ env: stripeEnv(fake.url) });
  carol = await signUp(app, 'carol');
});
afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

const planOf = async (user: User) => (await call(app, 'GET', '/v1/me', { token: user.token })).body.plan;

function subscriptionEvent(type: string, status: string, created: number, id = `evt_${randomUUID()}`) {
  const subscription = { id: 'sub_1', object: 'subscription', status, metadata: { userId: carol.userId }, created };
  return JSON.stringify(stripeEvent(id, type, subscription, created));
}

async function deliver(body: string): Promise<string> {
  const answer = await sendWebhook(app, body);
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { outcome: string }).outcome;
}

test('the premium checkout is a subscription session for the caller', async () => {
  const reply = await call(app, 'POST', '/v1/plan/premium', { token: carol.token });
  expect(reply.status).toBe(201);
  expect(reply.body.checkoutUrl).toContain('cs_test_');
  const session = fake.sessions().at(-1)!;
  expect(session).toMatchObject({ mode: 'subscription', metadata: { userId: carol.userId } });
  expect(session.subscription_data).toEqual({ metadata: { userId: carol.userId } });
});

test('up, down, and replayed or older events change nothing', async () => {
  const t0 = Math.floor(Date.now() / 1000);
  const created = subscriptionEvent('customer.subscription.created', 'active', t0);
  expect(await deliver(created)).toBe('processed');
  expect(await planOf(carol)).toBe('PREMIUM');
  expect(await deliver(created)).toBe('duplicate');

  expect(await deliver(subscriptionEvent('customer.subscription.updated', 'canceled', t0 + 10))).toBe('processed');
  expect(await planOf(carol)).toBe('FREE');
  // The first event again, and an update older than the cancellation: both ignored.
  expect(await deliver(created)).toBe('ignored');
  expect(await deliver(subscriptionEvent('customer.subscription.updated', 'active', t0 + 5))).toBe('ignored');
  expect(await planOf(carol)).toBe('FREE');

  expect(await deliver(subscriptionEvent('customer.subscription.updated', 'active', t0 + 20))).toBe('processed');
  expect(await planOf(carol)).toBe('PREMIUM');
  // On PREMIUM, a second subscription checkout would charge twice for one plan.
  const sessions = fake.sessions().length;
  const again = await call(app, 'POST', '/v1/plan/premium', { token: carol.token });
  expect([again.status, again.body.code]).toEqual([409, 'plan_already_premium']);
  expect(fake.sessions()).toHaveLength(sessions);
  expect(await deliver(subscriptionEvent('customer.subscription.deleted', 'canceled', t0 + 30))).toBe('processed');
  expect(await planOf(carol)).toBe('FREE');
});

test('events for no known user, or of other types, are 200 and ignored', async () => {
  const stranger = JSON.stringify(stripeEvent('evt_x', 'customer.subscription.created',
    { id: 'sub_2', status: 'active', metadata: { userId: 'nobody-here' } }));
  expect(await deliver(stranger)).toBe('ignored');
  expect(await deliver(JSON.stringify(stripeEvent('evt_y', 'invoice.paid', { id: 'in_1' })))).toBe('ignored');
});
