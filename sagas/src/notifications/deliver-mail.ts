// Sends one planned e-mail and records how it ended, the saga's effect (docs/architecture.md,
// "Sagas"): check the notification's stream, send (retrying what may succeed later, with
// backoff), then append the outcome: NotificationSent, or NotificationDeadLettered plus the
// operators' row. Never a wallet stream: notifications change nothing in the ledger.
// Exactly once, almost: a message delivered again finds the recorded outcome and sends
// nothing. The one window left is between the server accepting the e-mail and the append of
// NotificationSent: a crash there sends it again on redelivery, unavoidably (SMTP has no
// idempotency). Both copies carry the same Message-ID (derived from the mail id), so the
// receiving system can tell them apart.
import { MailDeliveryError, type Mailer, type MailSent } from '../../../shared/ports/mailer.port';
import type { BusMessage } from '../../../shared/ports/bus.port';
import type { EventStore } from '../../../shared/ports/event-store.port';
import { NOTIFICATION_REASON_LENGTH_MAX } from '../../../shared/domain/notification/notification.events';
import type { Logger } from '../../../shared/telemetry/logger';
import type { Metrics } from '../../../shared/telemetry/metrics';
import { inSpan, SpanKind, tracingEnabled } from '../../../shared/telemetry/tracing';
import type { NotificationOutcome } from '../../../shared/notifications/notification-kinds';
import type { Pool } from 'pg';
import { deleteDeadLetter, saveDeadLetter } from './dead-letters';
import {
  appendNotificationEvent,
  loadNotification,
  type LoadedNotification,
} from './notification-stream';
import type { PlannedMail } from './plan-mails';
import { retryDelayMs, type RetryPolicy } from './retry-policy';

/** What sending and recording an e-mail needs, for the saga and an operator's retry alike. */
export type MailEffectDeps = Readonly<{
  store: EventStore;
  pool: Pool;
  mailer: Mailer;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<Metrics, 'notifications' | 'mailSendDuration'>;
  clock?: () => Date;
}>;

export type DeliveryDeps = MailEffectDeps & Readonly<{
  retry: RetryPolicy;
  /** Who records the outcome: `notifications` for the saga, the operator for a retry. */
  actorId: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}>;

export type DeliveryResult = Readonly<{
  outcome: Exclude<NotificationOutcome, 'retried'>;
  attempts: number;
  reason?: string;
}>;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The saga's path: skip what is recorded, else send and record. */
export async function deliverMail(
  deps: DeliveryDeps,
  planned: PlannedMail,
  sourceMessage: BusMessage,
): Promise<DeliveryResult> {
  const loaded = await loadNotification(deps.store, planned.mailId);
  if (loaded.state.status !== 'absent') {
    // Redelivered: the outcome is recorded. A dead letter's row is written again, in case a
    // crash came between its event and its row; an operator's retry owns the rest.
    if (loaded.lastDeadLetter && loaded.state.status === 'dead_lettered') {
      await saveDeadLetter(deps.pool, {
        ...loaded.lastDeadLetter, kind: planned.kind, recipientEmail: planned.recipient.email,
        sourceMessage,
      });
    }
    deps.metrics.notifications.inc({ kind: planned.kind, outcome: 'skipped_duplicate' });
    deps.logger.info({ mailId: planned.mailId, status: loaded.state.status },
      'notification already handled: not sent again');
    return { outcome: 'skipped_duplicate', attempts: loaded.state.attempts };
  }
  return sendAndRecord(deps, planned, sourceMessage, loaded);
}

/** Sends with bounded retries and records the outcome after the stream's `loaded` version. */
export async function sendAndRecord(
  deps: DeliveryDeps,
  planned: PlannedMail,
  sourceMessage: BusMessage,
  loaded: Pick<LoadedNotification, 'version' | 'state'>,
): Promise<DeliveryResult> {
  const priorAttempts = loaded.state.status === 'absent' ? 0 : loaded.state.attempts;
  const { mailId, kind } = planned;
  for (let attempt = 1; ; attempt += 1) {
    const attempts = priorAttempts + attempt;
    const { sent, failure } = await sendOnce(deps, planned);
    if (sent) {
      await recordSent(deps, planned, loaded, attempts, sent.messageId);
      deps.metrics.notifications.inc({ kind, outcome: 'sent' });
      deps.logger.info({ mailId, kind, attempts }, 'notification sent');
      return { outcome: 'sent', attempts };
    }
    if (!failure.retryable || attempt >= deps.retry.attemptsMax) {
      await recordDeadLetter(deps, planned, sourceMessage, loaded, attempts, failure);
      deps.metrics.notifications.inc({ kind, outcome: 'dead_lettered' });
      deps.logger.warn({ mailId, kind, attempts, failureKind: failure.kind, err: failure },
        'notification dead-lettered');
      return { outcome: 'dead_lettered', attempts, reason: failure.message };
    }
    deps.metrics.notifications.inc({ kind, outcome: 'retried' });
    const delayMs = retryDelayMs(deps.retry, attempt, deps.random ?? Math.random);
    deps.logger.info({ mailId, kind, attempts, failureKind: failure.kind, delayMs },
      'notification send failed; retrying');
    await (deps.sleep ?? defaultSleep)(delayMs);
  }
}

type SendResult =
  | Readonly<{ sent: MailSent; failure?: undefined }>
  | Readonly<{ sent?: undefined; failure: MailDeliveryError }>;

/** What the server said: accepted, or the classified failure. */
async function sendOnce(deps: DeliveryDeps, planned: PlannedMail): Promise<SendResult> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const sent = tracingEnabled()
      ? await inSpan('tng.send_mail', () => deps.mailer.send(planned.message), {
        kind: SpanKind.CLIENT, attributes: { 'tng.notification_kind': planned.kind },
      })
      : await deps.mailer.send(planned.message);
    deps.metrics.mailSendDuration.observe({ outcome: 'accepted' }, seconds());
    return { sent };
  } catch (error) {
    // Anything else is a bug (a malformed message): it propagates and the feed redelivers.
    if (!(error instanceof MailDeliveryError)) throw error;
    deps.metrics.mailSendDuration.observe({ outcome: error.kind }, seconds());
    return { failure: error };
  }
}

/**
 * A server's reply often quotes the recipient (`550 <bob@example.com>: no such user`). The
 * event log is permanent and read by auditors, so the address stays out of the recorded
 * reason; the operators' row names the recipient anyway.
 */
export const withoutAddresses = (text: string): string =>
  text.replace(/[^\s<>@"']+@[^\s<>@"']+/g, '[address]');

const now = (deps: DeliveryDeps) => (deps.clock?.() ?? new Date()).toISOString();

async function recordSent(
  deps: DeliveryDeps,
  planned: PlannedMail,
  loaded: Pick<LoadedNotification, 'version'>,
  attempts: number,
  messageId: string,
): Promise<void> {
  const sentAt = now(deps);
  await appendNotificationEvent(deps.store, loaded, {
    type: 'NotificationSent',
    data: {
      mailId: planned.mailId,
      sourceEventId: planned.sourceEventId,
      recipientUserId: planned.recipient.userId,
      messageId,
      attempts,
      sentAt,
    },
  }, { occurredAt: sentAt, actorId: deps.actorId, causationId: planned.sourceEventId });
  // Only a notification that failed before can be on the operators' list.
  if (loaded.version > 0n) await deleteDeadLetter(deps.pool, planned.mailId);
}

async function recordDeadLetter(
  deps: DeliveryDeps,
  planned: PlannedMail,
  sourceMessage: BusMessage,
  loaded: Pick<LoadedNotification, 'version'>,
  attempts: number,
  failure: MailDeliveryError,
): Promise<void> {
  const deadLetteredAt = now(deps);
  const reason = withoutAddresses(failure.message).slice(0, NOTIFICATION_REASON_LENGTH_MAX)
    || failure.kind;
  const data = {
    mailId: planned.mailId,
    sourceEventId: planned.sourceEventId,
    recipientUserId: planned.recipient.userId,
    attempts,
    failureKind: failure.kind,
    reason,
    deadLetteredAt,
  };
  await appendNotificationEvent(deps.store, loaded, { type: 'NotificationDeadLettered', data },
    { occurredAt: deadLetteredAt, actorId: deps.actorId, causationId: planned.sourceEventId });
  await saveDeadLetter(deps.pool, {
    ...data, kind: planned.kind, recipientEmail: planned.recipient.email, sourceMessage,
  });
}
