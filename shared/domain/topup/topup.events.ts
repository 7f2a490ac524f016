// Events of the top-up saga (stream `topup-<topUpId>`), past tense, with their zod schemas.
// The saga records what the card processor told us, and the credit we made, as events, so a
// replayed or late webhook is judged against the recorded outcome instead of being acted on.
// Invariants: one stream per top-up; a stream starts with TopUpRequested; at most one of
// TopUpSucceeded / TopUpFailed / TopUpExpired; TopUpCredited only after TopUpSucceeded.
import { z } from 'zod/v4';
import { CurrencySchema } from '../money/money';
import {
  defineEvent,
  InstantSchema,
  PositiveMinorDigitsSchema,
  type EventOf,
} from '../event-definition';
import { MovementIdSchema, WalletIdSchema } from '../ids';

/** Letters, digits and `_ . : -`, like every id of the domain; a top-up id names a stream. */
export const TopUpIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'an id of letters, digits and _ . : -')
  .brand<'TopUpId'>();
export type TopUpId = z.infer<typeof TopUpIdSchema>;
export const topUpId = (raw: string): TopUpId => TopUpIdSchema.parse(raw);

/** Stripe's ids (`cs_...`, `evt_...`, `pi_...`) are opaque to us: bounded, non-empty. */
const StripeIdSchema = z.string().min(1).max(255);

export const topUpRequested = defineEvent(
  'TopUpRequested',
  z.strictObject({
    topUpId: TopUpIdSchema,
    walletId: WalletIdSchema,
    currency: CurrencySchema,
    amountMinor: PositiveMinorDigitsSchema,
    checkoutSessionId: StripeIdSchema.optional(),
    requestedAt: InstantSchema,
  }),
);

export const checkoutSessionCreated = defineEvent(
  'CheckoutSessionCreated',
  z.strictObject({
    topUpId: TopUpIdSchema,
    checkoutSessionId: StripeIdSchema,
    checkoutUrl: z.url(),
    createdAt: InstantSchema,
  }),
);

export const topUpSucceeded = defineEvent(
  'TopUpSucceeded',
  z.strictObject({
    topUpId: TopUpIdSchema,
    stripeEventId: StripeIdSchema,
    paymentIntent: StripeIdSchema.optional(),
    succeededAt: InstantSchema,
  }),
);

export const topUpFailed = defineEvent(
  'TopUpFailed',
  z.strictObject({
    topUpId: TopUpIdSchema,
    stripeEventId: StripeIdSchema,
    failedAt: InstantSchema,
  }),
);

export const topUpExpired = defineEvent(
  'TopUpExpired',
  z.strictObject({
    topUpId: TopUpIdSchema,
    /** Absent when our own timeout expired the top-up rather than Stripe. */
    stripeEventId: StripeIdSchema.optional(),
    expiredAt: InstantSchema,
  }),
);

export const topUpCredited = defineEvent(
  'TopUpCredited',
  z.strictObject({
    topUpId: TopUpIdSchema,
    movementId: MovementIdSchema,
    creditedAt: InstantSchema,
  }),
);

export const topUpEventDefinitions = [
  topUpRequested,
  checkoutSessionCreated,
  topUpSucceeded,
  topUpFailed,
  topUpExpired,
  topUpCredited,
] as const;

export type TopUpEvent = EventOf<(typeof topUpEventDefinitions)[number]>;

export const TOPUP_STREAM_PREFIX = 'topup-';
export const topUpStreamId = (id: TopUpId): string => `${TOPUP_STREAM_PREFIX}${id}`;

/**
 * The Idempotency-Key of the Checkout Session request: derived from the top-up id only, so a
 * retried request (after a crash or a timeout) gets Stripe's first session back, not a second.
 */
export const checkoutSessionIdempotencyKey = (id: TopUpId): string => `topup-checkout-${id}`;
