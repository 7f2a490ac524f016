// A Checkout Session object as Stripe's API (or our simulator) returns it, reduced to the
// port's CheckoutSessionSummary: amounts to bigint minor units, currency upper-cased (anything
// but three letters reads as null; a currency other than the top-up's is a mismatch, which
// fulfilment refuses to credit).
import type { CheckoutSessionSummary } from '../../ports/payments.port';

export type StripeSessionObject = Readonly<{
  id: string;
  mode?: string | null;
  status?: string | null;
  payment_status?: string | null;
  client_reference_id?: string | null;
  metadata?: Readonly<Record<string, string>> | null;
  amount_total?: number | string | null;
  currency?: string | null;
  payment_intent?: string | Readonly<{ id: string }> | null;
  created: number;
}>;

export function summaryOf(session: StripeSessionObject): CheckoutSessionSummary {
  const currency = (session.currency ?? '').toUpperCase();
  const intent = session.payment_intent;
  const amount = session.amount_total;
  return {
    id: session.id,
    mode: oneOf(session.mode, ['payment', 'subscription', 'setup'] as const, 'payment'),
    status: oneOf(session.status, ['open', 'complete', 'expired'] as const, 'open'),
    paymentStatus: oneOf(
      session.payment_status,
      ['paid', 'unpaid', 'no_payment_required'] as const,
      'unpaid',
    ),
    clientReferenceId: session.client_reference_id ?? null,
    metadata: session.metadata ?? {},
    amountTotalMinor: amount === null || amount === undefined ? null : BigInt(amount),
    currency: /^[A-Z]{3}$/.test(currency) ? currency : null,
    paymentIntent: typeof intent === 'string' ? intent : (intent?.id ?? null),
    created: session.created,
  };
}

function oneOf<T extends string>(
  value: string | null | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  return allowed.find((candidate) => candidate === value) ?? fallback;
}
