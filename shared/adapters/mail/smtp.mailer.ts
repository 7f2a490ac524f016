// Mailer over SMTP with nodemailer (SMTP_URL), on a pool of connections: opening one costs
// ~100 ms against the test server here, a send on an open one ~2 ms (docs/operations.md,
// "Benchmarks"). A connection the server dropped (a restart) fails its next send as
// `unreachable`, which the saga retries on a fresh connection.
// Guarantee for a repeated id: none beyond the Message-ID. SMTP has no idempotency, so a
// message sent twice (a retry after a timeout that in fact delivered) arrives twice, carrying
// the same Message-ID header; the saga's recorded outcome is what keeps re-sends rare.
import nodemailer, { type Transporter } from 'nodemailer';
import {
  assertMailMessage,
  type Mailer,
  type MailMessage,
  type MailSent,
} from '../../ports/mailer.port';
import { classifySmtpError } from './classify-smtp-error';
import { messageIdFor } from './message-id';

/** Give up on a silent server well before the saga's own retry timer. */
export const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
export const SMTP_SOCKET_TIMEOUT_MS = 30_000;
/** nodemailer's default; the saga sends one mail at a time per process today. */
export const SMTP_CONNECTIONS_MAX = 5;

export type SmtpMailerOptions = Readonly<{
  /** e.g. `smtp://127.0.0.1:1025` or `smtps://user:pass@mail.example.com`. */
  smtpUrl: string;
  /** MAIL_FROM, e.g. `Mini TNG <no-reply@localhost>`. */
  from: string;
}>;

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpMailerOptions) {
    const url = new URL(options.smtpUrl);
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      pool: true,
      maxConnections: SMTP_CONNECTIONS_MAX,
      connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
      greetingTimeout: SMTP_CONNECTION_TIMEOUT_MS,
      socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    });
  }

  async send(message: MailMessage): Promise<MailSent> {
    assertMailMessage(message);
    const messageId = messageIdFor(message.id, this.options.from);
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
        // Lets a mail system or an operator match the e-mail to the event without parsing.
        headers: { 'X-Notification-Id': message.id },
      });
      // Typed as strings; nodemailer may also report { address } objects.
      const accepted = (info.accepted ?? []).map((to: string | { address: string }) =>
        typeof to === 'string' ? to : to.address,
      );
      return { messageId, accepted };
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  /** Closes pooled connections; sends after close fail. */
  close(): void {
    this.transport.close();
  }
}
