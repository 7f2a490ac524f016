// What operators watch of card payments: top-ups by outcome (requested, completed, failed,
// expired) and Stripe webhooks by type and outcome. Labels come from the closed lists below
// (a webhook type we do not handle counts as `other`), and every series starts at 0.
import client from 'prom-client';

export const TOPUP_OUTCOMES = ['requested', 'completed', 'failed', 'expired'] as const;
export type TopUpOutcome = (typeof TOPUP_OUTCOMES)[number];

export const STRIPE_WEBHOOK_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'other',
] as const;
export type StripeWebhookType = (typeof STRIPE_WEBHOOK_TYPES)[number];

/** `amount_mismatch`: a paid session whose amount or currency differs from the top-up's. */
export const STRIPE_WEBHOOK_OUTCOMES = [
  'processed',
  'duplicate',
  'ignored',
  'invalid_signature',
  'amount_mismatch',
] as const;
export type StripeWebhookOutcome = (typeof STRIPE_WEBHOOK_OUTCOMES)[number];

export const webhookTypeLabel = (type: string): StripeWebhookType =>
  STRIPE_WEBHOOK_TYPES.find((known) => known === type) ?? 'other';

export function paymentMetrics(registry: client.Registry) {
  const topUps = new client.Counter({
    name: 'tng_topups_total',
    help: 'Card top-ups by outcome: requested, completed (credited), failed, expired',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const stripeWebhooks = new client.Counter({
    name: 'tng_stripe_webhooks_total',
    help: 'Stripe webhooks received, by event type (or other) and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  for (const outcome of TOPUP_OUTCOMES) topUps.inc({ outcome }, 0);
  for (const type of STRIPE_WEBHOOK_TYPES) {
    for (const outcome of STRIPE_WEBHOOK_OUTCOMES) stripeWebhooks.inc({ type, outcome }, 0);
  }
  return { topUps, stripeWebhooks };
}
