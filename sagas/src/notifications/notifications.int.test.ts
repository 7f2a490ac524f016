// Goal: the notifications saga against real Postgres and a real SMTP conversation (an
// in-process smtp-server): a transfer mails both parties once, text and HTML right, and a
// redelivered message mails nobody again; a server that refuses three times (4xx) then
// accepts gets exactly one e-mail, recorded with attempts 4; a server that always refuses
// (4xx) or rejects (5xx) produces a dead letter (event and row), the consumer moves on, and
// the ledger is untouched; `tng notifications failed` lists the dead letters and
// `tng notifications retry` sends them once the server accepts.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { SmtpMailer } from '../../../shared/adapters/mail/smtp.mailer';
import { decodeDomainEvent } from '../../../shared/domain/event-codec';
import { notificationStreamId } from '../../../shared/domain/notification/notification.events';
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import type { BusSubscription } from '../../../shared/ports/bus.port';
import { startSmtpTestServer, type SmtpTestServer } from '../../../shared/testing/smtp-test-server';
import { openSagaDatabase } from '../testing/saga-database';
import { ALICE, BOB, NotificationSeed } from '../testing/notification-seed';
import { createTestFeed, eventually, type TestFeed } from '../testing/test-feed';
import { listDeadLetters } from './dead-letters';
import { startNotifications } from './notifications.process';

const ROOT = path.resolve(__dirname, '../../..');
const CHILD_TIMEOUT_MS = 60_000;
const FROM = 'Mini TNG <no-reply@mini-tng.test>';
const FAST_RETRY = { attemptsMax: 5, delayMsMin: 1, delayMsMax: 5 };
const BUSY = { at: 'data', responseCode: 451, reply: 'Try again later' } as const;
const NO_SUCH_USER = { at: 'rcpt', responseCode: 550, reply: 'No such user here' } as const;

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
let smtp: SmtpTestServer;
let feed: TestFeed;
let mailer: SmtpMailer;
let saga: BusSubscription;
let seed: NotificationSeed;

beforeEach(async () => {
  db = await openSagaDatabase();
  smtp = await startSmtpTestServer();
  feed = createTestFeed();
  mailer = new SmtpMailer({ smtpUrl: smtp.url, from: FROM });
  saga = await startNotifications({ ...db, feed: feed.feed, mailer, retry: FAST_RETRY });
  seed = new NotificationSeed(db.store);
  await seed.open();
});

afterEach(async () => {
  await saga.stop();
  await feed.close();
  mailer.close();
  await smtp.stop();
  await db.close();
});

async function notificationEvents(mailId: string) {
  const recorded = await db.store.readStream(notificationStreamId(mailId),
    { fromVersion: 1n, limit: 100 });
  return recorded.map((stored) => decodeDomainEvent(stored));
}

/** Every notification stream's events, by mail id. */
async function outcomesOf(mailIds: readonly string[]) {
  return Object.fromEntries(await Promise.all(mailIds.map(async (id) =>
    [id, (await notificationEvents(id)).map((event) => event.type)] as const)));
}

async function metric(kind: string, outcome: string): Promise<number> {
  const series = await db.metrics.notifications.get();
  return series.values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)?.value
    ?? 0;
}

const received = (to: string) => smtp.received.filter((mail) => mail.envelopeTo.includes(to));

test('a transfer mails both parties once; the same messages delivered again mail nobody',
  async () => {
    const appended = await seed.transfer(12_345n, 'lunch <b>&</b> kopi');
    const messages = await feed.publishAppended(appended);
    expect(messages.map((m) => m.type)).toEqual(['WalletDebited', 'WalletCredited']);
    expect(await eventually(() => smtp.received.length === 2)).toBe(true);

    const [sent] = received(ALICE.email);
    expect(sent?.subject).toBe('You sent 123.45 MYR to Bob Lee');
    expect(sent?.text).toBe('You sent 123.45 MYR to Bob Lee.\n\nNote: lunch <b>&</b> kopi\n');
    expect(sent?.html).toContain('<p>You sent 123.45 MYR to Bob Lee.</p>');
    expect(sent?.html).toContain('Note: lunch &lt;b&gt;&amp;&lt;/b&gt; kopi');
    const [got] = received(BOB.email);
    expect(got?.subject).toBe('You received 123.45 MYR from Alice Tan');
    expect(got?.text).toBe('Alice Tan sent you 123.45 MYR.\n\nNote: lunch <b>&</b> kopi\n');
    expect(got?.html).toContain('<p>Alice Tan sent you 123.45 MYR.</p>');
    // Neither e-mail names a wallet id or the other party's address.
    for (const mail of [sent, got]) {
      expect(mail?.text).not.toMatch(/w-alice|w-bob|@example\.com/);
      expect(mail?.html).not.toMatch(/w-alice|w-bob|@example\.com/);
    }
    expect(sent?.messageId).toBe(`<${appended[0]!.eventId}@mini-tng.test>`);

    const mailIds = appended.map((a) => a.eventId);
    await eventually(async () => Object.values(await outcomesOf(mailIds)).every((t) => t.length));
    expect(await outcomesOf(mailIds)).toEqual(
      Object.fromEntries(mailIds.map((id) => [id, ['NotificationSent']])));

    await feed.publish(messages); // Redelivery, as after a crash before the offset commit.
    expect(await eventually(async () =>
      (await metric('transfer_received', 'skipped_duplicate')) === 1)).toBe(true);
    expect(await metric('transfer_sent', 'skipped_duplicate')).toBe(1);
    expect(smtp.received).toHaveLength(2);
    expect(await metric('transfer_sent', 'sent')).toBe(1);
    expect(await outcomesOf(mailIds)).toEqual(
      Object.fromEntries(mailIds.map((id) => [id, ['NotificationSent']])));
  });

test('a server that refuses three times, then accepts: one e-mail, attempts 4', async () => {
  smtp.setFault(BUSY, 3);
  const appended = await seed.transfer(500n);
  await feed.publishAppended(appended.slice(0, 1)); // the sender's side only
  const mailId = appended[0]!.eventId;
  expect(await eventually(async () => (await notificationEvents(mailId)).length > 0)).toBe(true);
  expect(smtp.refusedCount()).toBe(3);
  expect(received(ALICE.email)).toHaveLength(1);
  expect(smtp.received).toHaveLength(1);
  const events = await notificationEvents(mailId);
  expect(events).toEqual([{ type: 'NotificationSent', data: expect.objectContaining({
    mailId, sourceEventId: mailId, recipientUserId: ALICE.userId, attempts: 4,
    messageId: `<${mailId}@mini-tng.test>`,
  }) }]);
  expect(await metric('transfer_sent', 'retried')).toBe(3);
  expect(await metric('transfer_sent', 'sent')).toBe(1);
});

/** Every wallet stream's version, and the two customers' balances from their own streams. */
async function ledgerSnapshot() {
  const result = await db.pool.query<{ stream_id: string; version: string }>(
    `select stream_id, max(stream_version)::text as version from events
      where stream_id like 'wallet-%' group by stream_id order by stream_id`,
  );
  const wallets = createWalletRepository(db.store);
  const balances = await Promise.all([ALICE, BOB].map(async (party) => {
    const { state } = await wallets.load(party.walletId);
    return state.status === 'absent' ? null : state.balanceMinor;
  }));
  return { streams: result.rows, balances };
}

function tng(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/tng.cjs', ...args], {
      cwd: ROOT,
      timeout: CHILD_TIMEOUT_MS,
      env: { ...process.env, DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_FROM: FROM,
        LOG_LEVEL: 'warn' },
    }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout,
        stderr });
    });
  });
}

test('always refused (4xx) or rejected (5xx): dead letters, ledger untouched; the CLI lists '
  + 'and re-sends them', async () => {
  const appended = await seed.transfer(700n, 'rent');
  const before = await ledgerSnapshot();
  smtp.setFault(BUSY);
  await feed.publishAppended(appended.slice(0, 1));
  const [busyId, rejectedId] = appended.map((a) => a.eventId) as [string, string];
  expect(await eventually(async () => (await notificationEvents(busyId)).length > 0)).toBe(true);
  smtp.setFault(NO_SUCH_USER);
  await feed.publishAppended(appended.slice(1));
  expect(await eventually(async () => (await notificationEvents(rejectedId)).length > 0))
    .toBe(true);
  expect(smtp.received).toHaveLength(0);
  expect((await notificationEvents(busyId))[0]).toEqual({ type: 'NotificationDeadLettered',
    data: expect.objectContaining({ attempts: 5, failureKind: 'temporary',
      recipientUserId: ALICE.userId }) });
  expect((await notificationEvents(rejectedId))[0]).toEqual({ type: 'NotificationDeadLettered',
    data: expect.objectContaining({ attempts: 1, failureKind: 'rejected',
      recipientUserId: BOB.userId }) });
  const rows = await listDeadLetters(db.pool);
  expect(rows.map((r) => [r.mailId, r.recipientEmail, r.kind, r.failureKind, r.attempts]))
    .toEqual(expect.arrayContaining([
      [busyId, ALICE.email, 'transfer_sent', 'temporary', 5],
      [rejectedId, BOB.email, 'transfer_received', 'rejected', 1],
    ]));
  expect(await ledgerSnapshot()).toEqual(before);

  const failed = await tng('notifications', 'failed', '--json');
  expect(failed.code).toBe(0);
  const listed = JSON.parse(failed.stdout) as { deadLetters: Record<string, unknown>[] };
  expect(listed.deadLetters).toEqual(expect.arrayContaining([
    expect.objectContaining({ mailId: busyId, recipient: ALICE.email, attempts: 5,
      failureKind: 'temporary', kind: 'transfer_sent' }),
    expect.objectContaining({ mailId: rejectedId, recipient: BOB.email, attempts: 1,
      failureKind: 'rejected', reason: expect.stringContaining('550') }),
  ]));

  // Still refusing: the retry fails, says so with exit 1, and the list keeps the letter.
  const stillDown = await tng('notifications', 'retry', rejectedId);
  expect(stillDown.code).toBe(1);
  expect(stillDown.stdout).toContain(`${rejectedId}: dead lettered (attempts 2)`);
  smtp.setFault(null);
  const retried = await tng('notifications', 'retry', '--all', '--json');
  expect(retried.code).toBe(0);
  expect(JSON.parse(retried.stdout)).toEqual({ retried: expect.arrayContaining([
    { mailId: busyId, outcome: 'sent', attempts: 6 },
    { mailId: rejectedId, outcome: 'sent', attempts: 3 },
  ]) });
  expect(received(ALICE.email)).toHaveLength(1);
  expect(received(BOB.email)).toHaveLength(1);
  expect((await notificationEvents(rejectedId)).map((e) => e.type)).toEqual([
    'NotificationDeadLettered', 'NotificationRetried', 'NotificationDeadLettered',
    'NotificationRetried', 'NotificationSent',
  ]);
  expect(await listDeadLetters(db.pool)).toEqual([]);
  expect(await ledgerSnapshot()).toEqual(before);

  const again = await tng('notifications', 'retry', busyId);
  expect(again.code).toBe(1); // no longer on the list
  const usage = await tng('notifications', 'retry');
  expect(usage.code).toBe(2);
}, 6 * CHILD_TIMEOUT_MS);
