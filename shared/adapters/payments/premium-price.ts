// The premium plan's monthly price, sent to Checkout as inline price data so no product has
// to be set up in a Stripe account before the plan can be bought.
import type { PaymentAmount } from '../../ports/payments.port';

/** RM 9.90 a month. */
export const PREMIUM_PLAN_PRICE: PaymentAmount = { currency: 'MYR', amountMinor: 990n };
