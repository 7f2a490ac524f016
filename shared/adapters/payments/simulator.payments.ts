// The payments port of the built-in Stripe simulator (the embedded default: no
// STRIPE_SECRET_KEY). Sessions live in Postgres (simulator-sessions.ts); the checkout URL is
// our own page `<server url>/simulator/checkout/<sessionId>`
// (bin/runtime/simulator.routes.ts), whose Pay button sends a correctly signed webhook to our
// own /v1/webhooks/stripe, signed with a secret the simulator generates once and keeps in
// the database. So a new user can try the whole
// flow in a browser, through the same webhook path as Stripe.
import type { Pool } from 'pg';
import type { PaymentsPort } from '../../ports/payments.port';
import { PREMIUM_PLAN_PRICE } from './premium-price';
import { createSession, listSessions, simulatorWebhookSecret } from './simulator-sessions';
import { verifyWebhookWith } from './verify-webhook';

export type SimulatorPayments = PaymentsPort & Readonly<{ webhookSecret: string; pool: Pool }>;

export async function createSimulatorPayments(
  pool: Pool,
  serverUrl: () => string,
): Promise<SimulatorPayments> {
  const webhookSecret = await simulatorWebhookSecret(pool);
  const checkoutUrl = (sessionId: string) => `${serverUrl()}/simulator/checkout/${sessionId}`;
  return {
    name: 'simulator',
    webhookSecret,
    pool,
    createTopUpCheckout: async (request) => {
      const metadata = { topUpId: request.topUpId, walletId: request.walletId };
      const sessionId = await createSession(pool, {
        idempotencyKey: request.idempotencyKey,
        mode: 'payment',
        clientReferenceId: request.topUpId,
        metadata,
        amountTotalMinor: request.amount.amountMinor,
        currency: request.amount.currency,
      });
      return { sessionId, url: checkoutUrl(sessionId) };
    },
    createPremiumCheckout: async (request) => {
      const sessionId = await createSession(pool, {
        idempotencyKey: request.idempotencyKey,
        mode: 'subscription',
        clientReferenceId: request.userId,
        metadata: { userId: request.userId },
        amountTotalMinor: PREMIUM_PLAN_PRICE.amountMinor,
        currency: PREMIUM_PLAN_PRICE.currency,
      });
      return { sessionId, url: checkoutUrl(sessionId) };
    },
    listCheckoutSessions: (options) => listSessions(pool, options),
    verifyWebhook: (rawBody, header, now) => verifyWebhookWith(webhookSecret, rawBody, header, now),
  };
}
