// The Mailer contract: the behaviour every Mailer adapter shares (docs/style.md, "Contract
// suites"). Run by dev-mailbox.mailer.unit.test.ts and smtp.mailer.int.test.ts; never alone.
// Each harness makes its adapter meet the same situations: a server that answers 4xx, one that
// rejects the recipient with 5xx, one that is down. The one difference, a repeated id, is a
// declared guarantee of the harness, not a skipped case.
import { randomUUID } from 'node:crypto';
import { InvariantViolation } from '../../errors/assert';
import { MailDeliveryError, type Mailer, type MailMessage } from '../../ports/mailer.port';

export type MailerFault = 'temporary' | 'rejected-recipient' | 'down';

/** What the far side saw, whichever adapter: envelope sender for SMTP, `from` for the mailbox. */
export type DeliveredMail = Readonly<{
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}>;

export type MailerHarness = Readonly<{
  mailer: Mailer;
  /** The MAIL_FROM address the adapter was built with (bare address, no display name). */
  fromAddress: string;
  delivered(): Promise<DeliveredMail[]>;
  /** Every later send meets this fault until cleared with null. */
  setFault(fault: MailerFault | null): Promise<void>;
  /** True: a repeated id is stored once. False: it is delivered again, same Message-ID. */
  deliversRepeatedIdOnce: boolean;
  stop(): Promise<void>;
}>;

export type StartMailer = () => Promise<MailerHarness>;

const aMessage = (overrides: Partial<MailMessage> = {}): MailMessage => ({
  id: randomUUID(),
  to: 'alice@example.com',
  subject: 'You received 123.45 MYR',
  text: 'Bob sent you 123.45 MYR.\nNote: lunch',
  html: '<p>Bob sent you <strong>123.45 MYR</strong>.</p>',
  ...overrides,
});

export function mailerContract(adapterName: string, start: StartMailer): void {
  describe(`Mailer contract: ${adapterName}`, () => {
    let harness: MailerHarness;
    beforeEach(async () => {
      harness = await start();
    });
    afterEach(() => harness.stop());

    test('a message arrives with subject, text and html, to the recipient, from MAIL_FROM', async () => {
      const message = aMessage();
      const sent = await harness.mailer.send(message);
      expect(sent.accepted).toEqual(['alice@example.com']);
      expect(sent.messageId).toMatch(new RegExp(`^<${message.id}@[^>]+>$`));
      const [delivered, ...others] = await harness.delivered();
      expect(others).toEqual([]);
      expect(delivered).toMatchObject({
        from: harness.fromAddress,
        to: ['alice@example.com'],
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: sent.messageId,
      });
    });

    test('non-ASCII subject and bodies arrive intact', async () => {
      const message = aMessage({
        subject: 'Terima kasih — RM ✓',
        text: 'Nota: makan tengah hari 🍜',
        html: '<p>Nota: makan tengah hari 🍜</p>',
      });
      await harness.mailer.send(message);
      const [delivered] = await harness.delivered();
      const { subject, text, html } = message;
      expect(delivered).toMatchObject({ subject, text, html });
    });

    test('a 4xx answer is a retryable MailDeliveryError, and nothing is delivered', async () => {
      await harness.setFault('temporary');
      const failure = await harness.mailer.send(aMessage()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MailDeliveryError);
      expect(failure).toMatchObject({ kind: 'temporary', retryable: true });
      expect((failure as MailDeliveryError).responseCode).toBeGreaterThanOrEqual(400);
      expect(await harness.delivered()).toEqual([]);
    });

    test('a rejected recipient (5xx) is a permanent MailDeliveryError', async () => {
      await harness.setFault('rejected-recipient');
      const failure = await harness.mailer.send(aMessage()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MailDeliveryError);
      expect(failure).toMatchObject({ kind: 'rejected', retryable: false });
      expect((failure as MailDeliveryError).responseCode).toBeGreaterThanOrEqual(500);
      expect(await harness.delivered()).toEqual([]);
    });

    test('a server that is down is a retryable MailDeliveryError', async () => {
      await harness.setFault('down');
      const failure = await harness.mailer.send(aMessage()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MailDeliveryError);
      expect(failure).toMatchObject({ kind: 'unreachable', retryable: true });
    });

    test('after a retryable failure the same message can be sent again', async () => {
      const message = aMessage();
      await harness.setFault('temporary');
      await expect(harness.mailer.send(message)).rejects.toBeInstanceOf(MailDeliveryError);
      await harness.setFault(null);
      await harness.mailer.send(message);
      expect((await harness.delivered()).map((mail) => mail.subject)).toEqual([message.subject]);
    });

    test('the same id twice keeps one Message-ID; the mailbox stores once, SMTP delivers again', async () => {
      const message = aMessage();
      const first = await harness.mailer.send(message);
      const second = await harness.mailer.send(message);
      expect(second.messageId).toBe(first.messageId);
      const delivered = await harness.delivered();
      expect(delivered).toHaveLength(harness.deliversRepeatedIdOnce ? 1 : 2);
      expect(new Set(delivered.map((mail) => mail.messageId))).toEqual(new Set([first.messageId]));
    });

    test('different ids give different Message-IDs', async () => {
      const first = await harness.mailer.send(aMessage());
      const second = await harness.mailer.send(aMessage());
      expect(second.messageId).not.toBe(first.messageId);
      expect(await harness.delivered()).toHaveLength(2);
    });

    test('an id unsafe in a header, or a subject with a line break, is a bug in the caller', async () => {
      await expect(harness.mailer.send(aMessage({ id: 'a>b@evil' }))).rejects.toThrow(InvariantViolation);
      await expect(
        harness.mailer.send(aMessage({ subject: 'hi\r\nBcc: eve@example.com' })),
      ).rejects.toThrow(InvariantViolation);
      expect(await harness.delivered()).toEqual([]);
    });
  });
}
