// Goal: notification events go through the domain codec both ways (registered, validated on
// write and read), and the stream's fold says what the saga and the CLI decide from.
import { decodeDomainEvent, encodeDomainEvent } from '../event-codec';
import { userId } from '../ids';
import {
  evolveNotification,
  type NotificationEvent,
  type NotificationState,
} from './notification.events';

const AT = '2026-12-03T10:00:00.000Z';
const sent: NotificationEvent = { type: 'NotificationSent', data: {
  mailId: 'e-1.sender', sourceEventId: 'e-1', recipientUserId: userId('u-1'),
  messageId: '<e-1.sender@localhost>', attempts: 4, sentAt: AT } };
const deadLettered: NotificationEvent = { type: 'NotificationDeadLettered', data: {
  mailId: 'e-1.sender', sourceEventId: 'e-1', recipientUserId: userId('u-1'), attempts: 5,
  failureKind: 'temporary', reason: 'SMTP 451: try later', deadLetteredAt: AT } };
const retried: NotificationEvent = { type: 'NotificationRetried', data: {
  mailId: 'e-1.sender', requestedBy: 'cli', retriedAt: AT } };

test('each event round-trips through the codec', () => {
  for (const event of [sent, deadLettered, retried]) {
    const encoded = encodeDomainEvent(event);
    expect(encoded.schemaVersion).toBe(1);
    expect(decodeDomainEvent(JSON.parse(JSON.stringify(encoded)))).toEqual(event);
  }
});

test('a mail id that is not a safe token is refused on write', () => {
  const bad = { ...sent, data: { ...sent.data, mailId: 'a b<c>' } } as NotificationEvent;
  expect(() => encodeDomainEvent(bad)).toThrow(/mailId/);
});

test('the fold: dead-lettered, retried, then sent', () => {
  const fold = (events: NotificationEvent[]) => events.reduce(evolveNotification,
    { status: 'absent' } as NotificationState);
  expect(fold([deadLettered])).toEqual({ status: 'dead_lettered', attempts: 5 });
  expect(fold([deadLettered, retried])).toEqual({ status: 'retry_requested', attempts: 5 });
  expect(fold([deadLettered, retried, { ...sent, data: { ...sent.data, attempts: 6 } }]))
    .toEqual({ status: 'sent', attempts: 6 });
});
