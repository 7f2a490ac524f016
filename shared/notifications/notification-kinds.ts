// The closed sets the notifications saga labels its metrics with (never ids): what an e-mail
// tells about, and how its delivery ended. Shared, so the metrics module can create every
// series at 0 before the saga runs.

export const NOTIFICATION_KINDS = [
  'transfer_sent',
  'transfer_received',
  'transfer_failed',
  'transfer_failed_recipient',
  'payment_made',
  'payment_received',
  'payment_failed',
  'payment_failed_merchant',
  'top_up_receipt',
  'hold_captured',
  'plan_changed',
  'fraud_suspected',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * `sent`: the server accepted it. `retried`: one failed try that will be tried again.
 * `dead_lettered`: given up, on the operators' list. `skipped_duplicate`: its outcome was
 * already recorded (a redelivered message), so nothing was sent.
 */
export const NOTIFICATION_OUTCOMES = ['sent', 'retried', 'dead_lettered', 'skipped_duplicate'] as const;
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

/** How one SMTP (or mailbox) send ended: the `outcome` label of tng_mail_send_seconds. */
export const MAIL_SEND_OUTCOMES = ['accepted', 'temporary', 'unreachable', 'rejected'] as const;
export type MailSendOutcome = (typeof MAIL_SEND_OUTCOMES)[number];
