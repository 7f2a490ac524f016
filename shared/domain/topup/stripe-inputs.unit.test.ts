// Goal: each Checkout webhook maps to its saga input, and events that decide
// nothing for a top-up (pending async payment, other types, other checkouts) map to null.
import { topUpId } from './topup.events';
import { topUpInputOf, type StripeCheckoutEventLike } from './stripe-inputs';

const CREATED = 1_741_593_600; // 2025-03-10T08:00:00Z
const event = (
  type: string,
  session: Partial<StripeCheckoutEventLike['data']['object']> = {},
): StripeCheckoutEventLike => ({
  id: 'evt_1',
  type,
  created: CREATED,
  data: {
    object: {
      id: 'cs_1',
      mode: 'payment',
      client_reference_id: 'tu-1',
      metadata: { topUpId: 'tu-1', walletId: 'w-alice' },
      payment_status: 'paid',
      payment_intent: 'pi_1',
      ...session,
    },
  },
});
const now = new Date(CREATED * 1000);

test.each([
  ['checkout.session.completed', { type: 'StripePaid', stripeEventId: 'evt_1', paymentIntent: 'pi_1', now }],
  ['checkout.session.async_payment_succeeded', { type: 'StripePaid', stripeEventId: 'evt_1', paymentIntent: 'pi_1', now }],
  ['checkout.session.async_payment_failed', { type: 'StripePaymentFailed', stripeEventId: 'evt_1', now }],
  ['checkout.session.expired', { type: 'Expire', stripeEventId: 'evt_1', now }],
])('%s', (type, input) => {
  expect(topUpInputOf(event(type))).toEqual({ topUpId: topUpId('tu-1'), checkoutSessionId: 'cs_1', input });
});

test('an expanded payment intent object gives its id', () => {
  const mapped = topUpInputOf(event('checkout.session.completed', { payment_intent: { id: 'pi_2' } }));
  expect(mapped?.input).toMatchObject({ type: 'StripePaid', paymentIntent: 'pi_2' });
});

test('the top-up id falls back to metadata.topUpId', () => {
  const mapped = topUpInputOf(event('checkout.session.expired', { client_reference_id: null }));
  expect(mapped?.topUpId).toBe('tu-1');
});

test.each([
  ['completed with payment still pending', event('checkout.session.completed', { payment_status: 'unpaid' })],
  ['another event type', event('payment_intent.succeeded')],
  ['a subscription checkout', event('checkout.session.completed', { mode: 'subscription' })],
  ['a session without a top-up id', event('checkout.session.completed', { client_reference_id: null, metadata: null })],
  ['a top-up id that is not an id', event('checkout.session.completed', { client_reference_id: '../x' })],
])('null for %s', (_name, stripeEvent) => expect(topUpInputOf(stripeEvent)).toBeNull());
