// Events of a notification (stream `notification-<mailId>`): the outcome of sending one e-mail,
// recorded after the fact, as the saga's outcome events are (docs/architecture.md, "Sagas").
// The saga reads this stream before sending, so a redelivered integration message sends
// nothing twice. Notifications never touch a wallet stream: they change nothing in the ledger.
// Invariants: a stream ends in at most one NotificationSent; NotificationDeadLettered may be
// followed by NotificationRetried (an operator asked again) and then a new outcome.
import { z } from 'zod/v4';
import { MAIL_ID_PATTERN } from '../../ports/mailer.port';
import { defineEvent, InstantSchema, type EventOf } from '../event-definition';
import { UserIdSchema } from '../ids';

export const NOTIFICATION_REASON_LENGTH_MAX = 500;
/** Sends of one notification, all tries of the saga and of operators together. */
export const NOTIFICATION_ATTEMPTS_MAX = 1_000;

const MailIdSchema = z.string().regex(MAIL_ID_PATTERN, 'a mail id');
const AttemptsSchema = z.number().int().min(1).max(NOTIFICATION_ATTEMPTS_MAX);
export const FAILURE_KINDS = ['temporary', 'unreachable', 'rejected'] as const;

export const notificationSent = defineEvent(
  'NotificationSent',
  z.strictObject({
    mailId: MailIdSchema,
    sourceEventId: z.string().min(1).max(128),
    recipientUserId: UserIdSchema,
    /** The Message-ID header the mail carried (the same on every send of this mailId). */
    messageId: z.string().min(1).max(300),
    /** Sends it took, counted over the whole stream (a retried dead letter goes on counting). */
    attempts: AttemptsSchema,
    sentAt: InstantSchema,
  }),
);

export const notificationDeadLettered = defineEvent(
  'NotificationDeadLettered',
  z.strictObject({
    mailId: MailIdSchema,
    sourceEventId: z.string().min(1).max(128),
    recipientUserId: UserIdSchema,
    attempts: AttemptsSchema,
    failureKind: z.enum(FAILURE_KINDS),
    reason: z.string().min(1).max(NOTIFICATION_REASON_LENGTH_MAX),
    deadLetteredAt: InstantSchema,
  }),
);

/** An operator asked to send a dead letter again (`tng notifications retry`). */
export const notificationRetried = defineEvent(
  'NotificationRetried',
  z.strictObject({
    mailId: MailIdSchema,
    requestedBy: z.string().min(1).max(128),
    retriedAt: InstantSchema,
  }),
);

export const notificationEventDefinitions = [
  notificationSent,
  notificationDeadLettered,
  notificationRetried,
] as const;

export type NotificationSent = EventOf<typeof notificationSent>;
export type NotificationDeadLettered = EventOf<typeof notificationDeadLettered>;
export type NotificationEvent = EventOf<(typeof notificationEventDefinitions)[number]>;

export const NOTIFICATION_STREAM_PREFIX = 'notification-';
export const notificationStreamId = (mailId: string): string =>
  `${NOTIFICATION_STREAM_PREFIX}${mailId}`;

export type NotificationState =
  | Readonly<{ status: 'absent' }>
  | Readonly<{ status: 'sent'; attempts: number }>
  | Readonly<{ status: 'dead_lettered'; attempts: number }>
  | Readonly<{ status: 'retry_requested'; attempts: number }>;

/** Folds a notification stream: what the saga and the CLI decide from. */
export function evolveNotification(
  state: NotificationState,
  event: NotificationEvent,
): NotificationState {
  switch (event.type) {
    case 'NotificationSent':
      return { status: 'sent', attempts: event.data.attempts };
    case 'NotificationDeadLettered':
      return { status: 'dead_lettered', attempts: event.data.attempts };
    case 'NotificationRetried':
      // A retry of a sent notification is refused before it is recorded; keep "sent" anyway.
      return state.status === 'sent' || state.status === 'absent'
        ? state
        : { status: 'retry_requested', attempts: state.attempts };
    default:
      return state;
  }
}
