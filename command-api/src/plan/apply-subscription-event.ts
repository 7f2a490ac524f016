// A verified `customer.subscription.*` webhook applied to the user's plan through the user
// decider (changePlan). Idempotent: the event ids derive from the Stripe event id, and the
// decider returns nothing when the plan is already the one asked. Forward-safe: an event whose
// `created` is older than the latest change made from Stripe (read from the user's stream) is
// ignored. Limit: an older event that arrives before any change was recorded cannot be told
// from a new one (a change that did not happen leaves no event).
import { userEventOf } from '../../../shared/domain/decode-stored-event';
import { changePlan } from '../../../shared/domain/user/user.decider';
import {
  latestStripeChange,
  planChangeOf,
  type SubscriptionEventLike,
} from '../../../shared/domain/user/stripe-subscription';
import { userStreamId } from '../../../shared/domain/user/user.streams';
import { InfraError } from '../../../shared/errors/domain-error';
import { VersionConflict } from '../../../shared/ports/event-store.port';
import { appendTo } from '../new-events';
import type { FulfilOutcome } from '../topup/fulfil-top-up';
import type { PaymentDeps } from '../topup/payment-deps';

const USER_EVENTS_READ_MAX = 10_000;
const ATTEMPTS_MAX = 8;

export async function applySubscriptionEvent(
  deps: PaymentDeps,
  event: SubscriptionEventLike,
  now: Date,
): Promise<FulfilOutcome> {
  const change = planChangeOf(event);
  if (!change) return 'ignored';
  const streamId = userStreamId(change.userId);
  for (let attempt = 1; attempt <= ATTEMPTS_MAX; attempt += 1) {
    const user = await deps.users.load(change.userId);
    if (user.state.status === 'absent') {
      deps.logger.warn({ userId: change.userId }, 'subscription event for an unknown user');
      return 'ignored';
    }
    const latest = latestStripeChange(await planReasons(deps, streamId));
    if (latest !== null && change.created < latest) return 'ignored';
    const { userId, plan, reason } = change;
    const command = { type: 'ChangePlan', userId, plan, reason } as const;
    const events = changePlan(command, user.state);
    if (events.length === 0) return 'duplicate';
    const metadata = { occurredAt: now.toISOString(), actorId: 'stripe', causationId: event.id };
    const stream = appendTo(streamId, user.version, events, `stripe:${event.id}:plan`, metadata);
    try {
      const result = await deps.store.append({ streams: [stream] });
      deps.onCommitted({ streams: [stream] }, result);
      if (!result.position) return 'duplicate';
      deps.metrics.eventsAppended.inc({ type: 'UserPlanChanged' });
      deps.logger.info({ userId: change.userId, plan: change.plan }, 'plan changed by Stripe');
      return 'processed';
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      deps.metrics.versionConflicts.inc({ command: 'change_plan' });
    }
  }
  throw new InfraError(`user ${change.userId} kept changing; Stripe will retry`);
}

async function planReasons(deps: PaymentDeps, streamId: string): Promise<string[]> {
  const recorded = await deps.store.readStream(streamId, {
    fromVersion: 1n,
    limit: USER_EVENTS_READ_MAX,
  });
  return recorded.flatMap((stored) => {
    if (stored.type !== 'UserPlanChanged') return [];
    const event = userEventOf(stored);
    return event.type === 'UserPlanChanged' ? [event.data.reason] : [];
  });
}
