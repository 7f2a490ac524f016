// `tng notifications failed` and `tng notifications retry [<mailId>|--all]`: the operators'
// view of e-mails the notifications saga gave up on, and sending them again through the
// configured SMTP server (sagas/src/notifications/retry-dead-letters.ts records each outcome
// as an event). Exit codes: 0 every retry sent, 1 one failed (or the mail id is not on the
// list), 2 bad usage, including a retry without SMTP_URL: the development mailbox lives in
// the server's process, so this process could only pretend to send.
import type { CommandResult } from '../../shared/cli/cli-output';
import { CheckFailed, EXIT_CHECK_FAILED, EXIT_OK, UsageError } from '../../shared/cli/cli-errors';
import { textTable } from '../../shared/cli/text-table';
import { MAIL_ID_PATTERN } from '../../shared/ports/mailer.port';
import {
  findDeadLetter,
  listDeadLetters,
  type DeadLetter,
} from '../../sagas/src/notifications/dead-letters';
import { retryDeadLetters, type RetryReport } from '../../sagas/src/notifications/retry-dead-letters';
import { mailerFor } from '../runtime/mailer';
import { withCliRuntime } from './cli-runtime';

export type RetryOptions = Readonly<{ all?: boolean }>;

const listed = (letter: DeadLetter) => ({
  mailId: letter.mailId,
  recipient: letter.recipientEmail,
  kind: letter.kind,
  failureKind: letter.failureKind,
  reason: letter.reason,
  attempts: letter.attempts,
  deadLetteredAt: letter.deadLetteredAt,
});

export async function notificationsFailed(): Promise<CommandResult> {
  return withCliRuntime(async (runtime) => {
    const letters = (await listDeadLetters(runtime.pool)).map(listed);
    return {
      json: { deadLetters: letters },
      human: () => (letters.length === 0
        ? 'no dead letters'
        : textTable(
          [{ header: 'mail id' }, { header: 'recipient' }, { header: 'kind' },
            { header: 'failure' }, { header: 'attempts', align: 'right' }, { header: 'when' },
            { header: 'reason' }],
          letters.map((l) => [l.mailId, l.recipient, l.kind, l.failureKind, String(l.attempts),
            l.deadLetteredAt, l.reason.replace(/\s+/g, ' ')]),
        )),
    };
  });
}

export async function notificationsRetry(
  mailId: string | undefined,
  options: RetryOptions,
): Promise<CommandResult> {
  if ((mailId === undefined) === !options.all) {
    throw new UsageError('name one mail id, or --all (not both)');
  }
  if (mailId !== undefined && !MAIL_ID_PATTERN.test(mailId)) {
    throw new UsageError(`${JSON.stringify(mailId)} is not a mail id`);
  }
  return withCliRuntime(async (runtime) => {
    const { config } = runtime;
    if (!config.SMTP_URL) {
      throw new UsageError('retry needs SMTP_URL: without it e-mails go to the development '
        + 'mailbox of the running server, which this command cannot reach');
    }
    const letters = mailId === undefined
      ? await listDeadLetters(runtime.pool)
      : [await findDeadLetter(runtime.pool, mailId)].filter((l): l is DeadLetter => l !== null);
    if (mailId !== undefined && letters.length === 0) {
      throw new CheckFailed(`no dead letter ${mailId} (see tng notifications failed)`);
    }
    const chosen = mailerFor(config);
    try {
      const reports = await retryDeadLetters({ ...runtime, mailer: chosen.mailer,
        operator: 'cli' }, letters);
      const failed = reports.some((r) => r.outcome === 'dead_lettered' || r.outcome === 'no_recipient');
      return {
        json: { retried: reports },
        human: () => humanRetry(reports),
        exitCode: failed ? EXIT_CHECK_FAILED : EXIT_OK,
      };
    } finally {
      chosen.close();
    }
  });
}

function humanRetry(reports: readonly RetryReport[]): string {
  if (reports.length === 0) return 'no dead letters to retry';
  return reports.map((r) => `${r.mailId}: ${r.outcome.replace('_', ' ')} (attempts ${r.attempts})`
    + (r.reason ? `: ${r.reason}` : '')).join('\n');
}
