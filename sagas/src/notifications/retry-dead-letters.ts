// An operator's retry of dead letters (`tng notifications retry`): for each one, record that
// an operator asked (NotificationRetried), plan the e-mail again from the stored integration
// message (so it goes to the recipient's current address), send it once through the same
// mailer, and record the outcome like the saga does: NotificationSent removes the row,
// NotificationDeadLettered refreshes it. A dead letter whose stream already shows it sent
// (a retry that crashed before deleting its row) is only removed from the list.
import { deleteDeadLetter, type DeadLetter } from './dead-letters';
import { sendAndRecord, type MailEffectDeps } from './deliver-mail';
import { appendNotificationEvent, loadNotification } from './notification-stream';
import { createNotificationHandler } from './notifications.process';
import { notificationSourceOf } from './notification-source';
import { planMails } from './plan-mails';

export type RetryOutcome = 'sent' | 'dead_lettered' | 'already_sent' | 'no_recipient';
export type RetryReport = Readonly<{
  mailId: string;
  outcome: RetryOutcome;
  attempts: number;
  reason?: string;
}>;

export type RetryDeps = MailEffectDeps & Readonly<{
  /** Who asked, recorded on NotificationRetried and the outcome (e.g. `cli`). */
  operator: string;
}>;

export async function retryDeadLetters(
  deps: RetryDeps,
  letters: readonly DeadLetter[],
): Promise<RetryReport[]> {
  // One send per retry: the operator sees the answer now and can run the command again.
  const { planDeps, deliveryDeps } = createNotificationHandler({
    ...deps, actorId: deps.operator, retry: { attemptsMax: 1, delayMsMin: 1, delayMsMax: 1 },
  });
  const reports: RetryReport[] = [];
  for (const letter of letters) {
    const { mailId } = letter;
    const loaded = await loadNotification(deps.store, mailId);
    if (loaded.state.status === 'sent') {
      await deleteDeadLetter(deps.pool, mailId);
      reports.push({ mailId, outcome: 'already_sent', attempts: loaded.state.attempts });
      continue;
    }
    const source = notificationSourceOf(letter.sourceMessage);
    const planned = source
      ? (await planMails(planDeps, letter.sourceMessage.eventId, source))
        .find((mail) => mail.mailId === mailId)
      : undefined;
    if (!planned) {
      reports.push({ mailId, outcome: 'no_recipient', attempts: letter.attempts,
        reason: 'the recipient has no e-mail address any more' });
      continue;
    }
    const retriedAt = (deps.clock?.() ?? new Date()).toISOString();
    const version = await appendNotificationEvent(deps.store, loaded, {
      type: 'NotificationRetried', data: { mailId, requestedBy: deps.operator, retriedAt },
    }, { occurredAt: retriedAt, actorId: deps.operator, causationId: letter.sourceEventId });
    const attempts = loaded.state.status === 'absent' ? 0 : loaded.state.attempts;
    const state = { status: 'retry_requested', attempts } as const;
    const result = await sendAndRecord(deliveryDeps, planned, letter.sourceMessage,
      { version, state });
    deps.logger.info({ mailId, outcome: result.outcome, attempts: result.attempts },
      'dead letter retried');
    reports.push({ mailId, outcome: result.outcome === 'sent' ? 'sent' : 'dead_lettered',
      attempts: result.attempts, ...(result.reason ? { reason: result.reason } : {}) });
  }
  return reports;
}
