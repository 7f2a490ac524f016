// The development mailbox: the Mailer of the embedded default (no SMTP_URL). Keeps the last
// DEV_MAILBOX_SIZE_MAX messages in memory for GET /dev/mailbox, newest first.
// Guarantee for a repeated id: stored once. A second send of an id still held returns the first
// send's result and stores nothing. An id already evicted would be stored again; the bound is
// what keeps the mailbox from growing without limit in a long-running process.
// `refuse` lets the embedded mode and tests make it fail like a real server (a sender that
// fails three times then succeeds, or always), without an SMTP server.
import {
  assertMailMessage,
  type MailDeliveryError,
  type Mailer,
  type MailMessage,
  type MailSent,
} from '../../ports/mailer.port';
import { messageIdFor } from './message-id';

export const DEV_MAILBOX_SIZE_MAX = 200;

export type StoredMail = Readonly<
  MailMessage & { from: string; messageId: string; receivedAt: string }
>;

export type DevMailboxOptions = Readonly<{
  from: string;
  sizeMax?: number;
  clock?: () => Date;
  /** Returns an error to throw for this message instead of storing it, or undefined. */
  refuse?: (message: MailMessage) => MailDeliveryError | undefined;
}>;

export class DevMailboxMailer implements Mailer {
  /** Insertion order is arrival order; a Map gives lookup by id and oldest-first eviction. */
  private readonly messages = new Map<string, StoredMail>();
  private readonly sizeMax: number;

  constructor(private readonly options: DevMailboxOptions) {
    this.sizeMax = options.sizeMax ?? DEV_MAILBOX_SIZE_MAX;
  }

  async send(message: MailMessage): Promise<MailSent> {
    assertMailMessage(message);
    const refusal = this.options.refuse?.(message);
    if (refusal) throw refusal;
    const held = this.messages.get(message.id);
    if (held) return { messageId: held.messageId, accepted: [held.to] };
    const stored: StoredMail = Object.freeze({
      ...message,
      from: this.options.from,
      messageId: messageIdFor(message.id, this.options.from),
      receivedAt: (this.options.clock?.() ?? new Date()).toISOString(),
    });
    this.messages.set(message.id, stored);
    while (this.messages.size > this.sizeMax) {
      const oldest = this.messages.keys().next().value;
      if (oldest === undefined) break;
      this.messages.delete(oldest);
    }
    return { messageId: stored.messageId, accepted: [stored.to] };
  }

  /** The messages held, newest first. */
  list(): StoredMail[] {
    return [...this.messages.values()].reverse();
  }
}
