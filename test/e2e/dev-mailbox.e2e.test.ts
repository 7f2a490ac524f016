// Goal: in the embedded development mode (no SMTP_URL) GET /dev/mailbox shows the e-mails the
// notifications saga sent for a transfer made over HTTP, newest first, one per party; with
// SMTP_URL set the route does not exist (404). The saga is fed as `npm start` feeds it: from
// the event log (no KAFKA_BROKERS), through the composition root's own wiring.
import { eventually } from '../../sagas/src/testing/test-feed';
import { startSmtpTestServer } from '../../shared/testing/smtp-test-server';
import { call, fund, openWallet, signUp, transfer, withRole } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

type Mailbox = { items: Array<{ to: string; subject: string; text: string; sentAt: string;
  messageId: string }> };

let app: TestApp;
beforeAll(async () => {
  // In a background thread, as `npm start` runs on 4 cores or more.
  app = await startTestApp({ env: { BACKGROUND_THREAD: 'on' } });
});
afterAll(async () => {
  await app?.stop();
});

test('a transfer\'s two e-mails appear in the development mailbox, newest first', async () => {
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const sender = await signUp(app, 'Siti');
  const recipient = await signUp(app, 'Raj');
  const source = await openWallet(app, sender);
  const target = await openWallet(app, recipient);
  expect((await fund(app, admin, source, '10000')).status).toBe(201);
  const sent = await transfer(app, sender, { sourceWalletId: source, targetWalletId: target,
    amount: '1050', note: 'dinner' });
  expect(sent.status).toBe(201);

  let mailbox: Mailbox = { items: [] };
  expect(await eventually(async () => {
    mailbox = (await call(app, 'GET', '/dev/mailbox')).body as Mailbox;
    return mailbox.items.length >= 2;
  })).toBe(true);
  // The two parties' mails are sent side by side (their wallets are different keys), so
  // either may be first; the mailbox lists them newest first whatever the order was.
  expect(mailbox.items.map((item) => [item.to, item.subject]).sort()).toEqual([
    // Stored as registered: trimmed and lower-cased.
    [recipient.email.toLowerCase(), 'You received 10.50 MYR from Siti'],
    [sender.email.toLowerCase(), 'You sent 10.50 MYR to Raj'],
  ].sort());
  const sentAt = mailbox.items.map((item) => item.sentAt);
  expect(sentAt).toEqual([...sentAt].sort().reverse());
  const received = mailbox.items.find((item) => item.to === recipient.email.toLowerCase());
  expect(received?.text).toBe('Siti sent you 10.50 MYR.\n\nNote: dinner\n');
  expect(received?.messageId).toMatch(/^<[0-9a-f-]{36}@localhost>$/);
  // The funding adjustment mailed nobody.
  expect(mailbox.items).toHaveLength(2);
});

test('bound to a non-loopback address, /dev/mailbox does not exist', async () => {
  const exposed = await startTestApp({ env: { HOST: '0.0.0.0' } });
  try {
    const reply = await call(exposed, 'GET', '/dev/mailbox');
    expect(reply.status).toBe(404);
  } finally {
    await exposed.stop();
  }
});

test('with SMTP_URL set, /dev/mailbox does not exist', async () => {
  const smtp = await startSmtpTestServer();
  const withSmtp = await startTestApp({ env: { SMTP_URL: smtp.url } });
  try {
    const reply = await call(withSmtp, 'GET', '/dev/mailbox');
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('not_found');
  } finally {
    await withSmtp.stop();
    await smtp.stop();
  }
});
