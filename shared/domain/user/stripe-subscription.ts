// Stripe's subscription webhooks to plan changes, pure. `customer.subscription.created` or
// `.updated` with status active or trialing means PREMIUM; `.deleted`, or status canceled,
// unpaid or incomplete_expired, means FREE; other statuses (incomplete, past_due, paused)
// change nothing yet. The user comes from `metadata.userId` (set on subscription_data when the
// premium checkout is created). A change made from Stripe records its reason as
// `stripe_subscription:<event created>:<event id>`, so a later event can tell whether it is
// older than the change already made (out-of-order delivery) and be ignored.
import { UserIdSchema, type UserId } from '../ids';
import type { Plan } from '../plans/plan-limits';

export type SubscriptionEventLike = Readonly<{
  id: string;
  type: string;
  created: number;
  data: Readonly<{ object: Readonly<Record<string, unknown>> }>;
}>;

export type SubscriptionPlanChange = Readonly<{
  userId: UserId;
  plan: Plan;
  created: number;
  reason: string;
}>;

const PREMIUM_STATUSES = new Set(['active', 'trialing']);
const FREE_STATUSES = new Set(['canceled', 'unpaid', 'incomplete_expired']);
const EVENT_ID_LENGTH_MAX = 150; // keeps the reason within its 200 characters
const REASON_PREFIX = 'stripe_subscription:';

export const isSubscriptionEvent = (type: string): boolean =>
  type.startsWith('customer.subscription.');

export function planChangeOf(event: SubscriptionEventLike): SubscriptionPlanChange | null {
  if (!isSubscriptionEvent(event.type) || event.id.length > EVENT_ID_LENGTH_MAX) return null;
  const object = event.data.object;
  const metadata = object['metadata'];
  const raw = typeof metadata === 'object' && metadata !== null
    ? (metadata as Record<string, unknown>)['userId']
    : undefined;
  const userId = UserIdSchema.safeParse(raw);
  if (!userId.success) return null;
  const plan = planOf(event.type, object['status']);
  if (plan === null) return null;
  const reason = `${REASON_PREFIX}${event.created}:${event.id}`;
  return { userId: userId.data, plan, created: event.created, reason };
}

function planOf(type: string, status: unknown): Plan | null {
  if (type === 'customer.subscription.deleted') return 'FREE';
  if (type !== 'customer.subscription.created' && type !== 'customer.subscription.updated') {
    return null;
  }
  if (typeof status !== 'string') return null;
  if (PREMIUM_STATUSES.has(status)) return 'PREMIUM';
  if (FREE_STATUSES.has(status)) return 'FREE';
  return null;
}

/** The Stripe `created` of the latest plan change made from Stripe, from the reasons recorded. */
export function latestStripeChange(reasons: readonly string[]): number | null {
  let latest: number | null = null;
  for (const reason of reasons) {
    if (!reason.startsWith(REASON_PREFIX)) continue;
    const created = Number(reason.slice(REASON_PREFIX.length).split(':')[0]);
    if (Number.isSafeInteger(created) && (latest === null || created > latest)) latest = created;
  }
  return latest;
}
