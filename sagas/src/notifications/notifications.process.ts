// The notifications saga: integration messages -> e-mails to the people they concern (both
// parties of a transfer or payment, success or failure; top-up receipts; hold captures; plan
// changes; fraud hints). It subscribes as the consumer group `notifications` through the
// IntegrationFeed port (Kafka, or the event log in the embedded default), plans each message's
// e-mails (plan-mails.ts) and delivers each one (deliver-mail.ts), which dedupes by mail id
// against the recorded outcome.
// A message counts as consumed once its handler resolves: a mail that failed for good is a
// dead letter, not an error, so the consumer moves on. Only an unexpected failure (the event
// store unreachable, a malformed message) throws, and the feed delivers the message again.
// Retries happen inline, so a failing server slows this consumer (at most the policy's
// attempts times its capped delay per e-mail), never the ledger.
import type { BusMessage, BusSubscription } from '../../../shared/ports/bus.port';
import type { IntegrationFeed } from '../../../shared/ports/integration-feed.port';
import { TOPICS } from '../../../shared/integration/topics';
import { inSpan, SpanKind } from '../../../shared/telemetry/tracing';
import { deliverMail, type DeliveryDeps, type DeliveryResult } from './deliver-mail';
import { releasedRestOfCapture } from './hold-capture-figures';
import {
  MalformedNotificationMessage,
  notificationSourceOf,
  type NotificationSource,
} from './notification-source';
import type { Logger } from '../../../shared/telemetry/logger';
import { planMails, type PlanDeps } from './plan-mails';
import { createRecipientDirectory } from './recipients';

export const NOTIFICATIONS_GROUP = 'notifications';
export const NOTIFICATIONS_ACTOR = 'notifications';

/** transaction-created (holds placed) is left out: a hold is not a movement yet. */
export const NOTIFICATION_TOPICS: readonly string[] = [
  TOPICS.transactionSuccess,
  TOPICS.transactionFailed,
  TOPICS.paymentSuccess,
  TOPICS.paymentFailed,
  TOPICS.planChanged,
  TOPICS.fraudSuspected,
];

export type NotificationsDeps = Omit<DeliveryDeps, 'actorId'> & Readonly<{ feed: IntegrationFeed }>;

export type MessageHandler = (message: BusMessage) => Promise<DeliveryResult[]>;

/** Plans and delivers the e-mails of one message; shared by the saga and the CLI's retry. */
export function createNotificationHandler(
  deps: Omit<NotificationsDeps, 'feed'> & Readonly<{ actorId?: string }>,
): { handle: MessageHandler; planDeps: PlanDeps; deliveryDeps: DeliveryDeps } {
  const directory = createRecipientDirectory(deps.store);
  const planDeps: PlanDeps = {
    directory,
    releasedRestOfCapture: (walletId, movementId) =>
      releasedRestOfCapture(deps.store, walletId, movementId),
  };
  const deliveryDeps: DeliveryDeps = { ...deps, actorId: deps.actorId ?? NOTIFICATIONS_ACTOR };
  const handle: MessageHandler = async (message) => {
    const source = decodeOrSkip(message, deps.logger);
    if (source === null) return [];
    const planned = await planMails(planDeps, message.eventId, source);
    const results: DeliveryResult[] = [];
    // One e-mail after the other: order per key holds, and retries stay bounded per message.
    for (const mail of planned) results.push(await deliverMail(deliveryDeps, mail, message));
    return results;
  };
  return { handle, planDeps, deliveryDeps };
}

/**
 * A message that does not match its type's schema will not match it on redelivery either:
 * throwing would stop the group on it for good (per-key order forbids skipping later), so it
 * is logged as an error and consumed without e-mail.
 */
function decodeOrSkip(
  message: BusMessage,
  logger: Pick<Logger, 'error'>,
): NotificationSource | null {
  try {
    return notificationSourceOf(message);
  } catch (error) {
    if (!(error instanceof MalformedNotificationMessage)) throw error;
    logger.error({ err: error, eventId: message.eventId, type: message.type },
      'malformed integration message: no e-mail');
    return null;
  }
}

export async function startNotifications(deps: NotificationsDeps): Promise<BusSubscription> {
  const { handle } = createNotificationHandler(deps);
  const subscription = await deps.feed.subscribe(
    NOTIFICATIONS_GROUP,
    NOTIFICATION_TOPICS,
    // One span per message, in the trace of the command whose event it tells about (its
    // traceparent header): the e-mails it sends are its children.
    async (message) => inSpan('tng.saga_step notifications', async () => {
      try {
        await handle(message);
      } catch (error) {
        deps.logger.error({ err: error, eventId: message.eventId, type: message.type },
          'notification handling failed; the message will be delivered again');
        throw error;
      }
    }, {
      kind: SpanKind.CONSUMER,
      parent: message.headers['traceparent'],
      attributes: { 'tng.message_type': message.type },
    }),
  );
  deps.logger.info({ topics: NOTIFICATION_TOPICS }, 'notifications started');
  return subscription;
}
