import { mailerContract, type MailerFault } from '../../testing/contracts/mailer.contract';
import { MailDeliveryError, type MailMessage } from '../../ports/mailer.port';
import { DevMailboxMailer } from './dev-mailbox.mailer';

const FROM = 'Mini TNG <no-reply@localhost>';

// The mailbox meets the contract's faults through its `refuse` hook, with the replies an SMTP
// server would give.
const refusalFor = (fault: MailerFault): MailDeliveryError =>
  fault === 'temporary'
    ? new MailDeliveryError('temporary', 'mailbox busy', { responseCode: 451 })
    : fault === 'rejected-recipient'
      ? new MailDeliveryError('rejected', 'no such user', { responseCode: 550 })
      : new MailDeliveryError('unreachable', 'mailbox down');

mailerContract('development mailbox', async () => {
  let fault: MailerFault | null = null;
  const mailbox = new DevMailboxMailer({
    from: FROM,
    refuse: () => (fault === null ? undefined : refusalFor(fault)),
  });
  return {
    mailer: mailbox,
    fromAddress: 'no-reply@localhost',
    delivered: async () =>
      mailbox
        .list()
        .reverse()
        .map((mail) => ({ ...mail, from: 'no-reply@localhost', to: [mail.to] })),
    setFault: async (next) => {
      fault = next;
    },
    deliversRepeatedIdOnce: true,
    stop: async () => undefined,
  };
});

describe('development mailbox', () => {
  const message = (id: string): MailMessage => ({
    id,
    to: 'alice@example.com',
    subject: `message ${id}`,
    text: 'text',
    html: '<p>html</p>',
  });

  test('keeps the last sizeMax messages, newest first', async () => {
    const mailbox = new DevMailboxMailer({ from: FROM, sizeMax: 3 });
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) await mailbox.send(message(id));
    expect(mailbox.list().map((mail) => mail.id)).toEqual(['m5', 'm4', 'm3']);
  });

  test('records sender, Message-ID and the time received from its clock', async () => {
    const clock = () => new Date('2026-01-02T03:04:05.000Z');
    const mailbox = new DevMailboxMailer({ from: FROM, clock });
    await mailbox.send(message('m1'));
    expect(mailbox.list()[0]).toMatchObject({
      from: FROM,
      messageId: '<m1@localhost>',
      receivedAt: '2026-01-02T03:04:05.000Z',
    });
  });
});
