// Chooses the process's Mailer by configuration: SMTP (nodemailer) when SMTP_URL is set,
// otherwise the in-memory development mailbox, which GET /dev/mailbox shows in the embedded
// development mode (never with NODE_ENV=production).
import type { Config } from '../../shared/config/load-config';
import { DevMailboxMailer } from '../../shared/adapters/mail/dev-mailbox.mailer';
import { SmtpMailer } from '../../shared/adapters/mail/smtp.mailer';
import type { Mailer } from '../../shared/ports/mailer.port';

export type ChosenMailer = Readonly<{
  mailer: Mailer;
  /** Set only in the embedded development mode: the mailbox GET /dev/mailbox lists. */
  devMailbox: DevMailboxMailer | null;
  close(): void;
}>;

export function mailerFor(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'NODE_ENV'>): ChosenMailer {
  if (config.SMTP_URL) {
    const smtp = new SmtpMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
    return { mailer: smtp, devMailbox: null, close: () => smtp.close() };
  }
  const mailbox = new DevMailboxMailer({ from: config.MAIL_FROM });
  return {
    mailer: mailbox,
    devMailbox: config.NODE_ENV === 'production' ? null : mailbox,
    close: () => undefined,
  };
}
