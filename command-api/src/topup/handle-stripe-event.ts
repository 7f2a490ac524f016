// A verified Stripe event to its effect: subscription events change the plan
// (plan/apply-subscription-event.ts); Checkout events of our top-ups go through the one
// fulfilment path (fulfil-top-up.ts) with the session's charged amount checked; everything
// else is ignored (and still answered 200, so Stripe stops retrying it).
import { z } from 'zod/v4';
import { topUpInputOf } from '../../../shared/domain/topup/stripe-inputs';
import { isSubscriptionEvent } from '../../../shared/domain/user/stripe-subscription';
import type { VerifiedWebhook } from '../../../shared/ports/payments.port';
import { applySubscriptionEvent } from '../plan/apply-subscription-event';
import { fulfilTopUpInput, type ChargedAmount, type FulfilOutcome } from './fulfil-top-up';
import type { PaymentDeps } from './payment-deps';

/** The Checkout Session fields we read; anything else about the object is Stripe's business. */
const CheckoutSessionShape = z.looseObject({
  id: z.string().optional(),
  mode: z.string().optional(),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  payment_status: z.string().optional(),
  payment_intent: z.union([z.string(), z.looseObject({ id: z.string() })]).nullable().optional(),
  amount_total: z.number().int().nonnegative().nullable().optional(),
  currency: z.string().nullable().optional(),
});

export async function handleStripeEvent(
  deps: PaymentDeps,
  event: VerifiedWebhook,
): Promise<FulfilOutcome> {
  if (isSubscriptionEvent(event.type)) return applySubscriptionEvent(deps, event, deps.clock());
  if (!event.type.startsWith('checkout.session.')) return 'ignored';
  const session = CheckoutSessionShape.safeParse(event.data.object);
  if (!session.success) return 'ignored';
  const mapped = topUpInputOf({ ...event, data: { object: session.data } });
  if (!mapped) return 'ignored';
  return fulfilTopUpInput(deps, mapped, chargedOf(session.data));
}

function chargedOf(session: z.infer<typeof CheckoutSessionShape>): ChargedAmount {
  const amount = session.amount_total;
  const currency = session.currency?.toUpperCase();
  return {
    amountTotalMinor: amount === null || amount === undefined ? null : BigInt(amount),
    currency: currency ?? null,
  };
}
