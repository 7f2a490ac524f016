// The operators' list of dead letters (table notification_dead_letters, migration 0012): the
// only SQL of the notifications saga. The event `NotificationDeadLettered` is the record; a
// row mirrors the last one of each mail id that was not sent since.
import type { Pool } from 'pg';
import type { BusMessage } from '../../../shared/ports/bus.port';
import type { MailFailureKind } from '../../../shared/ports/mailer.port';

/** `tng notifications failed` prints at most this many, oldest first. */
export const DEAD_LETTERS_LIST_MAX = 1_000;

export type DeadLetter = Readonly<{
  mailId: string;
  sourceEventId: string;
  kind: string;
  recipientUserId: string;
  recipientEmail: string;
  failureKind: MailFailureKind;
  reason: string;
  attempts: number;
  deadLetteredAt: string;
  sourceMessage: BusMessage;
}>;

type Row = {
  mail_id: string;
  source_event_id: string;
  kind: string;
  recipient_user_id: string;
  recipient_email: string;
  failure_kind: MailFailureKind;
  reason: string;
  attempts: number;
  dead_lettered_at: Date;
  source_message: BusMessage;
};

const fromRow = (row: Row): DeadLetter => ({
  mailId: row.mail_id,
  sourceEventId: row.source_event_id,
  kind: row.kind,
  recipientUserId: row.recipient_user_id,
  recipientEmail: row.recipient_email,
  failureKind: row.failure_kind,
  reason: row.reason,
  attempts: row.attempts,
  deadLetteredAt: row.dead_lettered_at.toISOString(),
  sourceMessage: row.source_message,
});

/** Writes or refreshes the row of a mail id (a retry that failed again updates it). */
export async function saveDeadLetter(pool: Pool, letter: DeadLetter): Promise<void> {
  await pool.query(
    `insert into notification_dead_letters (mail_id, source_event_id, kind, recipient_user_id,
       recipient_email, failure_kind, reason, attempts, dead_lettered_at, source_message)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (mail_id) do update set recipient_email = excluded.recipient_email,
       failure_kind = excluded.failure_kind, reason = excluded.reason,
       attempts = excluded.attempts, dead_lettered_at = excluded.dead_lettered_at`,
    [letter.mailId, letter.sourceEventId, letter.kind, letter.recipientUserId,
      letter.recipientEmail, letter.failureKind, letter.reason, letter.attempts,
      letter.deadLetteredAt, JSON.stringify(letter.sourceMessage)],
  );
}

export async function listDeadLetters(pool: Pool): Promise<DeadLetter[]> {
  const result = await pool.query<Row>(
    `select * from notification_dead_letters order by dead_lettered_at, mail_id limit $1`,
    [DEAD_LETTERS_LIST_MAX],
  );
  return result.rows.map(fromRow);
}

export async function findDeadLetter(pool: Pool, mailId: string): Promise<DeadLetter | null> {
  const result = await pool.query<Row>(
    'select * from notification_dead_letters where mail_id = $1',
    [mailId],
  );
  return result.rows[0] ? fromRow(result.rows[0]) : null;
}

export async function deleteDeadLetter(pool: Pool, mailId: string): Promise<void> {
  await pool.query('delete from notification_dead_letters where mail_id = $1', [mailId]);
}
