// Goal: the Stripe adapter keeps the PaymentsPort contract over real HTTP, against the local
// fake Stripe server (STRIPE_API_BASE), and turns an outage into PaymentsUnavailable.
import { money } from '../../domain/money/money';
import { PaymentsUnavailable } from '../../ports/payments.port';
import { paymentsContract } from '../../testing/contracts/payments.contract';
import { startFakeStripeServer } from '../../testing/fake-stripe-server';
import { signStripePayload } from './stripe-signature';
import { createStripePayments } from './stripe.payments';

const SECRET = 'whsec_contract';

async function startStripe() {
  const fake = await startFakeStripeServer();
  const payments = createStripePayments({
    secretKey: 'sk_test_contract', webhookSecret: SECRET, apiBase: fake.url, returnUrl: () => 'http://localhost',
  });
  return { fake, payments };
}

paymentsContract('stripe (fake server)', async () => {
  const { fake, payments } = await startStripe();
  return {
    payments,
    sign: (body, timestamp) => signStripePayload(body, SECRET, timestamp),
    markPaid: async (id) => {
      fake.pay(id);
    },
    stop: () => fake.stop(),
  };
});

test('an outage (503 from Stripe) is PaymentsUnavailable', async () => {
  const { fake, payments } = await startStripe();
  fake.setOutage(true);
  const request = { topUpId: 'tu-1', walletId: 'w-1', amount: money('MYR', 1n), idempotencyKey: 'k' };
  await expect(payments.createTopUpCheckout(request)).rejects.toBeInstanceOf(PaymentsUnavailable);
  await fake.stop();
});
