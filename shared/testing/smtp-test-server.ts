// An in-process SMTP server (smtp-server) on a free port that records every message it
// accepts, for the Mailer contract and the notification tests. It can be told to answer the
// next commands with an SMTP error, to act like a busy (4xx) or refusing (5xx) server, for
// good or for the next N messages only (a server that fails three times, then accepts).
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { parseReceivedMail, type ReceivedMail } from './received-mail';

export type SmtpFault = Readonly<{ at: 'rcpt' | 'data'; responseCode: number; reply: string }>;

export type SmtpTestServer = Readonly<{
  url: string;
  received: ReceivedMail[];
  /**
   * Answer every later RCPT TO or DATA with this error, until cleared with null; with `times`,
   * only that many of them, then accept again.
   */
  setFault(fault: SmtpFault | null, times?: number): void;
  /** Messages refused so far by a fault. */
  refusedCount(): number;
  stop(): Promise<void>;
}>;

const smtpError = (fault: SmtpFault) =>
  Object.assign(new Error(fault.reply), { responseCode: fault.responseCode });

export async function startSmtpTestServer(): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  let fault: SmtpFault | null = null;
  let faultsLeft = Number.POSITIVE_INFINITY;
  let refused = 0;
  /** The fault to answer with now, counting it down; null when the server should accept. */
  const refuseAt = (stage: SmtpFault['at']): SmtpFault | null => {
    if (fault?.at !== stage || faultsLeft <= 0) return null;
    faultsLeft -= 1;
    refused += 1;
    return fault;
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // Its default reverse DNS lookup of each client costs ~100 ms per connection here.
    disableReverseLookup: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      const refusal = refuseAt('rcpt');
      if (refusal) return callback(smtpError(refusal));
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refusal = refuseAt('data');
        if (refusal) return callback(smtpError(refusal));
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
    setFault: (next, times) => {
      fault = next;
      faultsLeft = times ?? Number.POSITIVE_INFINITY;
    },
    refusedCount: () => refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
