import { mailerContract } from '../../testing/contracts/mailer.contract';
import { startSmtpTestServer, type SmtpFault } from '../../testing/smtp-test-server';
import { SmtpMailer } from './smtp.mailer';

const FROM = 'Mini TNG <no-reply@mini-tng.test>';

const FAULTS: Record<'temporary' | 'rejected-recipient', SmtpFault> = {
  temporary: { at: 'data', responseCode: 451, reply: 'Requested action aborted: try later' },
  'rejected-recipient': { at: 'rcpt', responseCode: 550, reply: 'No such user here' },
};

mailerContract('SMTP (nodemailer against an in-process smtp-server)', async () => {
  const server = await startSmtpTestServer();
  const mailer = new SmtpMailer({ smtpUrl: server.url, from: FROM });
  let stopped = false;
  const stopServer = async () => {
    if (!stopped) await server.stop();
    stopped = true;
  };
  return {
    mailer,
    fromAddress: 'no-reply@mini-tng.test',
    delivered: async () =>
      server.received.map((mail) => ({
        from: mail.envelopeFrom,
        to: mail.envelopeTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      })),
    setFault: async (fault) => {
      if (fault === 'down') return stopServer();
      server.setFault(fault === null ? null : FAULTS[fault]);
    },
    deliversRepeatedIdOnce: false,
    stop: async () => {
      mailer.close();
      await stopServer();
    },
  };
});

describe('SMTP mailer, beyond the contract', () => {
  test('a 4xx at RCPT TO (greylisting) is retryable too, and names the event in a header', async () => {
    const server = await startSmtpTestServer();
    const mailer = new SmtpMailer({ smtpUrl: server.url, from: FROM });
    try {
      const message = { id: 'evt-1', to: 'a@example.com', subject: 's', text: 't', html: '<p>h</p>' };
      server.setFault({ at: 'rcpt', responseCode: 450, reply: 'Greylisted, try again later' });
      await expect(mailer.send(message)).rejects.toMatchObject({
        kind: 'temporary',
        retryable: true,
        responseCode: 450,
      });
      server.setFault(null);
      await mailer.send(message);
      expect(server.received[0]?.headers.get('x-notification-id')).toBe('evt-1');
      expect(server.received[0]?.messageId).toBe('<evt-1@mini-tng.test>');
    } finally {
      mailer.close();
      await server.stop();
    }
  });
});
