// How the ledger talks to its card processor (Stripe, or the built-in simulator): Checkout
// Sessions for top-ups and for the premium subscription, the list of sessions that
// reconciliation walks, and the check of a webhook's signature. Services see only this port;
// bin/ chooses the adapter (shared/adapters/payments/). Every creation carries OUR idempotency
// key, so a retried request (after a timeout or a crash) gets the first session back.
// Adapters throw PaymentsUnavailable when the processor cannot be reached or answers 5xx; the
// caller may retry with the same key.
import { InfraError } from '../errors/domain-error';

/** Minor units and an ISO 4217 code (upper case), as the domain's Money holds them. */
export type PaymentAmount = Readonly<{ currency: string; amountMinor: bigint }>;

export type CheckoutLink = Readonly<{ sessionId: string; url: string }>;

export type TopUpCheckoutRequest = Readonly<{
  topUpId: string;
  walletId: string;
  amount: PaymentAmount;
  idempotencyKey: string;
}>;

export type PremiumCheckoutRequest = Readonly<{ userId: string; idempotencyKey: string }>;

/** A Checkout Session as reconciliation reads it (Stripe's fields, money as bigint). */
export type CheckoutSessionSummary = Readonly<{
  id: string;
  mode: 'payment' | 'subscription' | 'setup';
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  clientReferenceId: string | null;
  metadata: Readonly<Record<string, string>>;
  amountTotalMinor: bigint | null;
  /** Upper case; null when Stripe gave none or not three letters. */
  currency: string | null;
  paymentIntent: string | null;
  /** Unix seconds, Stripe's clock. */
  created: number;
}>;

export type CheckoutSessionPage = Readonly<{
  sessions: readonly CheckoutSessionSummary[];
  hasMore: boolean;
}>;

/** A verified webhook event: Stripe's JSON object, parsed from the exact bytes received. */
export type VerifiedWebhook = Readonly<{
  id: string;
  type: string;
  created: number;
  data: Readonly<{ object: Readonly<Record<string, unknown>> }>;
}>;

export type WebhookVerification =
  | Readonly<{ ok: true; event: VerifiedWebhook }>
  | Readonly<{ ok: false; reason: 'malformed_header' | 'bad_signature' | 'stale_timestamp' | 'bad_body' }>;

export const CHECKOUT_SESSION_PAGE_SIZE_MAX = 100;

export interface PaymentsPort {
  readonly name: 'stripe' | 'simulator';
  createTopUpCheckout(request: TopUpCheckoutRequest): Promise<CheckoutLink>;
  createPremiumCheckout(request: PremiumCheckoutRequest): Promise<CheckoutLink>;
  /** Sessions created at or after `createdSince`, newest first; page with `startingAfter`. */
  listCheckoutSessions(options: {
    createdSince: Date;
    startingAfter?: string;
    limit: number;
  }): Promise<CheckoutSessionPage>;
  /** Checks `Stripe-Signature` over the raw body as received (300 s tolerance). */
  verifyWebhook(
    rawBody: Buffer,
    signatureHeader: string | undefined,
    now: Date,
  ): WebhookVerification;
}

/** The processor could not be reached, timed out or answered 5xx: answer 503, retry later. */
export class PaymentsUnavailable extends InfraError {
  // @ts-expect-error InfraError declares its name as the literal 'InfraError'.
  override readonly name = 'PaymentsUnavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
