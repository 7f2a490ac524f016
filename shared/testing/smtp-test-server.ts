// An in-process SMTP server (smtp-server) on a free port that records every message it
// accepts, for the Mailer contract and the notification tests. It can be told to answer the
// next commands with an SMTP error, to act like a busy (4xx) or refusing (5xx) server.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { parseReceivedMail, type ReceivedMail } from './received-mail';

export type SmtpFault = Readonly<{ at: 'rcpt' | 'data'; responseCode: number; reply: string }>;

export type SmtpTestServer = Readonly<{
  url: string;
  received: ReceivedMail[];
  /** Answer every later RCPT TO or DATA with this error, until cleared with null. */
  setFault(fault: SmtpFault | null): void;
  stop(): Promise<void>;
}>;

const smtpError = (fault: SmtpFault) =>
  Object.assign(new Error(fault.reply), { responseCode: fault.responseCode });

export async function startSmtpTestServer(): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  let fault: SmtpFault | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (fault?.at === 'rcpt') return callback(smtpError(fault));
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (fault?.at === 'data') return callback(smtpError(fault));
        const envelope = session.envelope;
        const mailFrom = envelope.mailFrom === false ? '' : envelope.mailFrom.address;
        const rcptTo = envelope.rcptTo.map((r) => r.address);
        received.push(parseReceivedMail(Buffer.concat(chunks).toString('utf8'), mailFrom, rcptTo));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    setFault: (next) => {
      fault = next;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
