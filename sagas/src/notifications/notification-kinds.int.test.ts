// Goal: every kind of notification, planned from real events (written through the deciders)
// and their integration messages, reaches the right people with the right words: payments
// (customer and merchant), a refused transfer (the sender with the reason, the intended
// recipient without it), a top-up receipt (and nothing for the clearing account), a hold
// capture with its released rest, a plan change and a fraud hint; adjustments mail nobody.
// The development mailbox is the mailer here: what is checked is the saga's choice of
// recipients and texts, the SMTP path has its own test.
import { DevMailboxMailer } from '../../../shared/adapters/mail/dev-mailbox.mailer';
import type { BusSubscription } from '../../../shared/ports/bus.port';
import { openSagaDatabase } from '../testing/saga-database';
import { ALICE, BOB, CLEARING, KOPI, NotificationSeed } from '../testing/notification-seed';
import {
  createTestFeed,
  eventually,
  fraudSuspectedMessage,
  type TestFeed,
} from '../testing/test-feed';
import { startNotifications } from './notifications.process';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
let feed: TestFeed;
let mailbox: DevMailboxMailer;
let saga: BusSubscription;
let seed: NotificationSeed;

beforeAll(async () => {
  db = await openSagaDatabase();
  feed = createTestFeed();
  mailbox = new DevMailboxMailer({ from: 'Mini TNG <no-reply@localhost>' });
  saga = await startNotifications({ ...db, feed: feed.feed, mailer: mailbox,
    retry: { attemptsMax: 2, delayMsMin: 1, delayMsMax: 2 } });
  seed = new NotificationSeed(db.store);
  await seed.open();
  await feed.publishLog(db.store, db.pool); // openings and the funding adjustment
});

afterAll(async () => {
  await saga.stop();
  await feed.close();
  await db.close();
});

/** Publishes the messages of `appended`, waits for `count` new e-mails, returns them. */
async function mailsOf(appended: Parameters<TestFeed['publishAppended']>[0], count: number) {
  const before = mailbox.list().length;
  await feed.publishAppended(appended);
  expect(await eventually(() => mailbox.list().length >= before + count)).toBe(true);
  return mailbox.list().slice(0, mailbox.list().length - before).reverse();
}

test('the funding adjustment and the openings mailed nobody', () => {
  expect(mailbox.list()).toEqual([]);
});

test('a payment: the customer and the merchant', async () => {
  const mails = await mailsOf(await seed.pay(2_550n, 'order #42'), 2);
  expect(mails.map((m) => [m.to, m.subject])).toEqual([
    [ALICE.email, 'You paid 25.50 MYR to Kopi Corner'],
    [KOPI.email, 'Payment of 25.50 MYR received from Alice Tan'],
  ]);
  expect(mails[1]?.text).toBe('Alice Tan paid you 25.50 MYR.\n\nReference: order #42\n');
});

test('a refused transfer: the sender hears why, the intended recipient only that it failed',
  async () => {
    const appended = await seed.refusedTransfer(50_000n);
    const mails = await mailsOf(appended, 2);
    const eventId = appended[0]!.eventId;
    expect(mails.map((m) => [m.id, m.to, m.subject])).toEqual([
      [`${eventId}.sender`, BOB.email, 'Your transfer of 500.00 MYR to Alice Tan was declined'],
      [`${eventId}.recipient`, ALICE.email,
        'A transfer of 500.00 MYR from Bob Lee did not go through'],
    ]);
    expect(mails[0]?.text).toContain('your wallet did not have enough money');
    expect(mails[1]?.text).not.toContain('enough money');
    expect(mails[1]?.text).toBe('Bob Lee tried to send you 500.00 MYR, but the transfer did '
      + 'not go through.\n\nNo money moved; nothing in your wallet changed.\n');
  });

test('a top-up: a receipt to the wallet owner, nothing for the clearing account', async () => {
  const before = mailbox.list().length;
  const appended = await seed.topUp(5_000n, 'tu_123');
  expect(appended.map((a) => 'walletId' in a.event.data && a.event.data.walletId))
    .toEqual([BOB.walletId, CLEARING]);
  // A marker after both messages: the bus delivers in order, so once the marker is mailed,
  // the clearing account's debit has been handled.
  const marker = fraudSuspectedMessage('marker-1', { walletId: BOB.walletId, hintId: 'h-marker',
    rules: [], summary: 'marker', detectedAt: '2026-12-03T09:00:00.000Z' });
  await feed.publishAppended(appended);
  await feed.publish([marker]);
  expect(await eventually(() => mailbox.list()[0]?.id === 'marker-1')).toBe(true);
  const mails = mailbox.list().slice(0, mailbox.list().length - before).reverse();
  expect(mails.map((m) => [m.to, m.subject])).toEqual([
    [BOB.email, 'Receipt: top-up of 50.00 MYR'],
    [BOB.email, 'Unusual activity on your wallet'],
  ]);
  expect(mails[0]?.text).toContain('Top-up: tu_123');
});

test('a hold captured in part: the holder hears the captured amount and the released rest',
  async () => {
    const mails = await mailsOf(await seed.holdAndCapture(10_000n, 3_000n), 2);
    expect(mails.map((m) => [m.to, m.subject])).toEqual([
      [ALICE.email, '30.00 MYR paid to Bob Lee from a held amount'],
      [BOB.email, 'Payment of 30.00 MYR received from Alice Tan'],
    ]);
    expect(mails[0]?.text).toContain('The rest, 70.00 MYR, is available again.');
  });

test('a plan change and a fraud hint', async () => {
  const plan = await mailsOf(await seed.changePlan('PREMIUM'), 1);
  expect(plan.map((m) => [m.to, m.subject])).toEqual([[ALICE.email, 'Welcome to Premium']]);
  const before = mailbox.list().length;
  await feed.publish([fraudSuspectedMessage('fraud-evt-1', {
    walletId: ALICE.walletId, hintId: 'hint-1', rules: ['velocity', 'something_new'],
    summary: '12 payments in 5 minutes <script>', detectedAt: '2026-12-03T09:30:00.000Z',
  })]);
  expect(await eventually(() => mailbox.list().length === before + 1)).toBe(true);
  const [fraud] = mailbox.list();
  expect(fraud?.to).toBe(ALICE.email);
  expect(fraud?.subject).toBe('Unusual activity on your wallet');
  expect(fraud?.text).toContain('- many payments in a short time');
  expect(fraud?.text).toContain('- something_new');
  expect(fraud?.html).toContain('12 payments in 5 minutes &lt;script&gt;');
});

test('a malformed message is consumed without e-mail; the next one is mailed', async () => {
  await feed.publish([{ topic: 'transaction-success', key: ALICE.walletId, eventId: 'bad-1',
    type: 'WalletDebited', payload: { walletId: ALICE.walletId, amountMinor: '-1' },
    headers: {} }]);
  await feed.publish([fraudSuspectedMessage('marker-2', { walletId: ALICE.walletId,
    hintId: 'h-2', rules: [], summary: 'after the bad one',
    detectedAt: '2026-12-03T09:00:00.000Z' })]);
  expect(await eventually(() => mailbox.list()[0]?.id === 'marker-2')).toBe(true);
  expect(mailbox.list().some((mail) => mail.id.startsWith('bad-1'))).toBe(false);
});
