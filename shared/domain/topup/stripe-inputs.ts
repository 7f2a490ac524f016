// Stripe's Checkout webhooks to saga inputs: a pure function over the parsed (and already
// verified) event object. The top-up id comes from `client_reference_id`, falling back to
// `metadata.topUpId` (both are set when the session is created). Events that
// decide nothing for a top-up map to null: a `completed` session whose payment is still
// pending (async methods: the outcome comes later), any other event type, a session that is
// not one of our top-ups (e.g. the premium subscription checkout).
import type { TopUpId } from './topup.events';
import { TopUpIdSchema } from './topup.events';
import type { TopUpInput } from './topup.saga';

/** The fields we read, as Stripe sends them (a subset of Stripe.Event). */
export type StripeCheckoutEventLike = Readonly<{
  id: string;
  type: string;
  created: number;
  data: Readonly<{
    object: Readonly<{
      id?: string;
      client_reference_id?: string | null;
      metadata?: Readonly<Record<string, string>> | null;
      payment_status?: string;
      payment_intent?: string | Readonly<{ id: string }> | null;
      mode?: string;
    }>;
  }>;
}>;

export type TopUpWebhookInput = Readonly<{
  topUpId: TopUpId;
  checkoutSessionId: string | null;
  input: TopUpInput;
}>;

export function topUpInputOf(event: StripeCheckoutEventLike): TopUpWebhookInput | null {
  const session = event.data.object;
  const topUpId = topUpIdOf(session);
  if (topUpId === null) return null;
  // Stripe's clock, not ours: a replayed event carries the instant of the original.
  const now = new Date(event.created * 1000);
  const stripeEventId = event.id;
  const input = inputOf(event.type, session, stripeEventId, now);
  return input === null ? null : { topUpId, checkoutSessionId: session.id ?? null, input };
}

function inputOf(
  type: string,
  session: StripeCheckoutEventLike['data']['object'],
  stripeEventId: string,
  now: Date,
): TopUpInput | null {
  switch (type) {
    case 'checkout.session.completed':
      // `unpaid` means an async method (bank debit) is still settling; `no_payment_required`
      // never applies to a top-up, whose amount is positive.
      if (session.payment_status !== 'paid') return null;
      return paid(session, stripeEventId, now);
    case 'checkout.session.async_payment_succeeded':
      return paid(session, stripeEventId, now);
    case 'checkout.session.async_payment_failed':
      return { type: 'StripePaymentFailed', stripeEventId, now };
    case 'checkout.session.expired':
      return { type: 'Expire', stripeEventId, now };
    default:
      return null;
  }
}

function paid(
  session: StripeCheckoutEventLike['data']['object'],
  stripeEventId: string,
  now: Date,
): TopUpInput {
  const intent = session.payment_intent;
  const paymentIntent = typeof intent === 'string' ? intent : (intent?.id ?? undefined);
  return { type: 'StripePaid', stripeEventId, paymentIntent, now };
}

function topUpIdOf(session: StripeCheckoutEventLike['data']['object']): TopUpId | null {
  if (session.mode !== undefined && session.mode !== 'payment') return null;
  const raw = session.client_reference_id ?? session.metadata?.['topUpId'];
  const parsed = TopUpIdSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
