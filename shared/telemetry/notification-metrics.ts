// What operators watch of the notifications saga: e-mails by kind and outcome, and how long a
// send takes by how it ended. Every series exists at 0 from the start (docs/operations.md).
import client from 'prom-client';
import {
  MAIL_SEND_OUTCOMES,
  NOTIFICATION_KINDS,
  NOTIFICATION_OUTCOMES,
} from '../notifications/notification-kinds';

export function notificationMetrics(registry: client.Registry) {
  const notifications = new client.Counter({
    name: 'tng_notifications_total',
    help: 'Notification e-mails by kind and outcome (sent, retried, dead_lettered, '
      + 'skipped_duplicate)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const mailSendDuration = new client.Histogram({
    name: 'tng_mail_send_seconds',
    help: 'Time one e-mail send took, by how it ended (accepted or the failure kind)',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  for (const kind of NOTIFICATION_KINDS) {
    for (const outcome of NOTIFICATION_OUTCOMES) notifications.inc({ kind, outcome }, 0);
  }
  for (const outcome of MAIL_SEND_OUTCOMES) mailSendDuration.zero({ outcome });
  return { notifications, mailSendDuration };
}
