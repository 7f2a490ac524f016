// The premium plan's monthly price, sent to Checkout as inline price data so no product has
// to be set up in a Stripe account before the plan can be bought.
import { money } from '../../domain/money/money';

export const PREMIUM_PLAN_PRICE = money('MYR', 990n);
