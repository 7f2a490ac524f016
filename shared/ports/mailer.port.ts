// The mail port: sends one notification e-mail. Used by the notifications saga; adapters are
// SMTP (nodemailer, when SMTP_URL is set) and the in-memory development mailbox.
// Invariants: a message's `id` is its dedupe key (the id of the event it tells about), and the
// Message-ID header is derived from it, so a re-send carries the same Message-ID. Failures are
// MailDeliveryError, which says whether trying again can help: the saga retries the retryable
// ones with bounded backoff and dead-letters the rest. Every adapter passes
// shared/testing/contracts/mailer.contract.ts.
import { assert } from '../errors/assert';
import { InfraError } from '../errors/domain-error';

/** The dedupe key: an event id (uuid) or any token of these characters, safe in a Message-ID. */
export const MAIL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Longest subject, in characters; templates write short ones, this refuses runaway text. */
export const MAIL_SUBJECT_LENGTH_MAX = 200;
/** Largest body (text or HTML), in characters. */
export const MAIL_BODY_LENGTH_MAX = 100_000;

export type MailMessage = Readonly<{
  /** Dedupe key: the id of the event this message tells about. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}>;

export type MailSent = Readonly<{
  /** The Message-ID header, `<id@domain>`: the same for every send of the same id. */
  messageId: string;
  /** Recipients the server accepted. */
  accepted: readonly string[];
}>;

/**
 * `temporary`: the server answered 4xx (try again later). `unreachable`: no answer at all
 * (connection refused, timeout, dropped socket). `rejected`: the server answered 5xx, e.g.
 * an unknown recipient; sending the same message again will fail the same way.
 */
export type MailFailureKind = 'temporary' | 'unreachable' | 'rejected';

export class MailDeliveryError extends InfraError {
  /** True when the same message may succeed later (temporary and unreachable). */
  readonly retryable: boolean;
  /** The SMTP reply code when the server gave one (e.g. 451, 550). */
  readonly responseCode: number | undefined;
  constructor(
    readonly kind: MailFailureKind,
    message: string,
    options: { responseCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryable = kind !== 'rejected';
    this.responseCode = options.responseCode;
  }
}

/** Preconditions every adapter asserts on entry: a bug in the caller, never a failed send. */
export function assertMailMessage(message: MailMessage): void {
  assert(MAIL_ID_PATTERN.test(message.id), `mail id is not a safe token: ${message.id}`);
  assert(/^[^\s@<>]+@[^\s@<>]+$/.test(message.to), 'mail recipient is not an address');
  assert(message.subject.length <= MAIL_SUBJECT_LENGTH_MAX, 'mail subject too long');
  assert(!/[\r\n]/.test(message.subject), 'mail subject spans lines');
  const bodyLength = Math.max(message.text.length, message.html.length);
  assert(bodyLength <= MAIL_BODY_LENGTH_MAX, 'mail body too long');
}

export interface Mailer {
  /**
   * Sends `message` from the configured sender (MAIL_FROM). Resolves once the server (or the
   * mailbox) has accepted it; throws MailDeliveryError otherwise. Sending an id again is
   * allowed: what an adapter guarantees for it is stated on the adapter (the mailbox keeps
   * one copy; SMTP cannot know and delivers again, with the same Message-ID).
   */
  send(message: MailMessage): Promise<MailSent>;
}
