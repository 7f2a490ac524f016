// GET /dev/mailbox: what the development mailbox holds, newest first, so someone trying the
// embedded default (no SMTP_URL) can read the e-mails the notifications saga sent. A
// development route, outside /v1 and without a bearer token, like the health routes: the
// composition root registers it only in the embedded development mode (no SMTP_URL, and
// NODE_ENV is not production), so it is absent (404) everywhere else. It shows everyone's
// notifications to anyone who can reach the port, which the embedded default binds to
// 127.0.0.1.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod/v4';
import { registerService, withZod } from './create-http-server';
import { responses } from './responses';

/**
 * What the route reads: the development mailbox's messages, newest first (from another
 * thread when the sagas run in `tng serve`'s background thread).
 */
export type MailboxReader = Readonly<{
  list(): MailboxEntries | Promise<MailboxEntries>;
}>;

export type MailboxEntries = ReadonlyArray<Readonly<{
    to: string;
    subject: string;
    text: string;
    receivedAt: string;
    messageId: string;
  }>>;

const MailboxEntrySchema = z.object({
  to: z.string(),
  subject: z.string(),
  text: z.string().describe('the plain-text part'),
  sentAt: z.string().describe('when the mailbox accepted it (ISO 8601)'),
  messageId: z.string().describe('the Message-ID header, derived from the notification id'),
});

export async function devMailboxRoutes(root: FastifyInstance, mailbox: MailboxReader) {
  await registerService(root, async (scope) => {
    withZod(scope).get(
      '/dev/mailbox',
      {
        schema: {
          tags: ['development'],
          description: 'Embedded development mode only (no SMTP_URL, not production): the '
            + 'e-mails the development mailbox holds, newest first. Absent (404) otherwise.',
          response: responses({ 200: z.object({ items: z.array(MailboxEntrySchema) }) }, []),
        },
      },
      async () => ({
        items: (await mailbox.list()).map(({ to, subject, text, receivedAt, messageId }) =>
          ({ to, subject, text, sentAt: receivedAt, messageId })),
      }),
    );
  });
}
