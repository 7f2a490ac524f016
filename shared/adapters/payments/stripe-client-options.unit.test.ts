// Goal: STRIPE_API_BASE becomes the Stripe client's host, port and protocol; unset, the
// library's own endpoint is kept.
import { stripeClientOptions } from './stripe-client-options';

test('a local fake over http with a port', () => {
  expect(stripeClientOptions('http://127.0.0.1:12111')).toMatchObject({
    host: '127.0.0.1', port: 12111, protocol: 'http',
  });
});

test('https without a port is 443; unset keeps Stripe\'s endpoint', () => {
  expect(stripeClientOptions('https://stripe.internal.example')).toMatchObject({ port: 443, protocol: 'https' });
  expect(stripeClientOptions(undefined)).not.toHaveProperty('host');
});
