// Goal: subscription webhooks map to the plan they mean (active/trialing up; deleted,
// canceled, unpaid down; anything else nothing), only for a user named in metadata, and the
// recorded reasons give back the latest Stripe instant so older events can be ignored.
import { latestStripeChange, planChangeOf } from './stripe-subscription';

const event = (type: string, status: unknown, metadata: unknown = { userId: 'u-1' }) => ({
  id: 'evt_1', type, created: 100, data: { object: { id: 'sub_1', status, metadata } },
});

test.each([
  ['customer.subscription.created', 'active', 'PREMIUM'],
  ['customer.subscription.updated', 'trialing', 'PREMIUM'],
  ['customer.subscription.updated', 'canceled', 'FREE'],
  ['customer.subscription.updated', 'unpaid', 'FREE'],
  ['customer.subscription.deleted', 'canceled', 'FREE'],
  ['customer.subscription.deleted', 'active', 'FREE'],
])('%s with status %s: %s', (type, status, plan) => {
  expect(planChangeOf(event(type, status))).toEqual({
    userId: 'u-1', plan, created: 100, reason: 'stripe_subscription:100:evt_1',
  });
});

test.each([
  ['an undecided status', event('customer.subscription.updated', 'past_due')],
  ['another event type', event('customer.subscription.paused', 'active')],
  ['no user in metadata', event('customer.subscription.created', 'active', {})],
  ['metadata that is not an object', event('customer.subscription.created', 'active', 'x')],
  ['a user id that is not an id', event('customer.subscription.created', 'active', { userId: '../x' })],
  ['a checkout event', event('checkout.session.completed', 'active')],
])('no change for %s', (_name, stripeEvent) => expect(planChangeOf(stripeEvent)).toBeNull());

test('the latest Stripe instant among recorded reasons; operator reasons do not count', () => {
  expect(latestStripeChange([])).toBeNull();
  expect(latestStripeChange(['operator', 'stripe_subscription:100:evt_a', 'stripe_subscription:90:evt_b']))
    .toBe(100);
});
