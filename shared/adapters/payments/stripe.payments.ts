// The payments port on Stripe's API through the `stripe` package: Checkout Sessions for
// top-ups (mode payment) and for the premium plan (mode subscription), listing sessions for
// reconciliation, and webhook verification with STRIPE_WEBHOOK_SECRET. A connection failure,
// a timeout, a 429 or a 5xx becomes PaymentsUnavailable (answered 503; the same idempotency
// key makes the retry safe); anything else Stripe refuses is a bug of ours and propagates.
import Stripe from 'stripe';
import { assert } from '../../errors/assert';
import {
  PaymentsUnavailable,
  type CheckoutLink,
  type CheckoutSessionPage,
  type PaymentsPort,
  type PremiumCheckoutRequest,
  type TopUpCheckoutRequest,
  type WebhookVerification,
} from '../../ports/payments.port';
import { summaryOf, type StripeSessionObject } from './checkout-session-summary';
import { PREMIUM_PLAN_PRICE } from './premium-price';
import { stripeClientOptions } from './stripe-client-options';
import { verifyWebhookWith } from './verify-webhook';

export type StripePaymentsOptions = Readonly<{
  secretKey: string;
  webhookSecret: string;
  apiBase?: string;
  /** Where Checkout sends the customer back to (our server's URL, known once it listens). */
  returnUrl: () => string;
}>;

export function createStripePayments(options: StripePaymentsOptions): PaymentsPort {
  const stripe = new Stripe(options.secretKey, stripeClientOptions(options.apiBase));
  const { returnUrl } = options;
  return {
    name: 'stripe',
    createTopUpCheckout: (request) =>
      unavailableOnOutage(() => topUp(stripe, returnUrl(), request)),
    createPremiumCheckout: (request) =>
      unavailableOnOutage(() => premium(stripe, returnUrl(), request)),
    listCheckoutSessions: (query) =>
      unavailableOnOutage(async (): Promise<CheckoutSessionPage> => {
        const page = await stripe.checkout.sessions.list({
          created: { gte: Math.floor(query.createdSince.getTime() / 1000) },
          limit: query.limit,
          ...(query.startingAfter ? { starting_after: query.startingAfter } : {}),
        });
        const sessions = page.data.map((s) => summaryOf(s as unknown as StripeSessionObject));
        return { sessions, hasMore: page.has_more };
      }),
    verifyWebhook: (rawBody, header, now): WebhookVerification =>
      verifyWebhookWith(options.webhookSecret, rawBody, header, now),
  };
}

async function topUp(
  stripe: Stripe,
  returnUrl: string,
  request: TopUpCheckoutRequest,
): Promise<CheckoutLink> {
  const { amountMinor, currency } = request.amount;
  assert(amountMinor <= BigInt(Number.MAX_SAFE_INTEGER), 'Stripe takes amounts as integers');
  const metadata = { topUpId: request.topUpId, walletId: request.walletId };
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      client_reference_id: request.topUpId,
      metadata,
      payment_intent_data: { metadata },
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: currency.toLowerCase(),
            unit_amount: Number(amountMinor),
            product_data: { name: 'Wallet top-up' },
          },
        },
      ],
      success_url: `${returnUrl}/v1/top-ups/${request.topUpId}`,
      cancel_url: `${returnUrl}/v1/top-ups/${request.topUpId}`,
    },
    { idempotencyKey: request.idempotencyKey },
  );
  return linkOf(session);
}

async function premium(
  stripe: Stripe,
  returnUrl: string,
  request: PremiumCheckoutRequest,
): Promise<CheckoutLink> {
  const metadata = { userId: request.userId };
  const session = await stripe.checkout.sessions.create(
    {
      mode: 'subscription',
      client_reference_id: request.userId,
      metadata,
      subscription_data: { metadata },
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: PREMIUM_PLAN_PRICE.currency.toLowerCase(),
            unit_amount: Number(PREMIUM_PLAN_PRICE.amountMinor),
            recurring: { interval: 'month' },
            product_data: { name: 'Mini TNG Premium' },
          },
        },
      ],
      success_url: `${returnUrl}/v1/me`,
      cancel_url: `${returnUrl}/v1/me`,
    },
    { idempotencyKey: request.idempotencyKey },
  );
  return linkOf(session);
}

function linkOf(session: Stripe.Checkout.Session): CheckoutLink {
  assert(typeof session.url === 'string', 'a hosted Checkout Session has a URL');
  return { sessionId: session.id, url: session.url };
}

async function unavailableOnOutage<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isOutage(error)) throw new PaymentsUnavailable('Stripe is unavailable', { cause: error });
    throw error;
  }
}

function isOutage(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  if (error instanceof Stripe.errors.StripeRateLimitError) return true;
  if (error instanceof Stripe.errors.StripeAPIError) return true;
  if (error instanceof Stripe.errors.StripeError) return (error.statusCode ?? 0) >= 500;
  return false;
}
