// The built-in simulator's Checkout Sessions in Postgres (payments_simulator_sessions,
// migrations/0011_top_ups.sql): created once per idempotency key, as Stripe does, listed
// newest first, and moved by the simulator's Pay and Cancel buttons. A cancelled session stays
// `open` (still pending for us) until our local timeout expires the top-up.
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { CheckoutSessionSummary } from '../../ports/payments.port';
import { summaryOf } from './checkout-session-summary';

export type NewSimulatorSession = Readonly<{
  idempotencyKey: string;
  mode: 'payment' | 'subscription';
  clientReferenceId: string;
  metadata: Readonly<Record<string, string>>;
  amountTotalMinor: bigint;
  currency: string;
}>;

type SessionRow = {
  session_id: string;
  mode: string;
  status: string;
  payment_status: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: string | bigint | null;
  currency: string | null;
  cancelled: boolean;
  created_at: Date;
};

export type SimulatorSession = CheckoutSessionSummary & Readonly<{ cancelled: boolean }>;

const toSession = (row: SessionRow): SimulatorSession => ({
  ...summaryOf({
    id: row.session_id,
    mode: row.mode,
    status: row.status,
    payment_status: row.payment_status,
    client_reference_id: row.client_reference_id,
    metadata: row.metadata,
    amount_total: row.amount_total === null ? null : String(row.amount_total),
    currency: row.currency,
    payment_intent: row.payment_status === 'paid' ? `pi_sim_${row.session_id}` : null,
    created: Math.floor(row.created_at.getTime() / 1000),
  }),
  cancelled: row.cancelled,
});

export async function createSession(pool: Pool, input: NewSimulatorSession): Promise<string> {
  const id = `cs_sim_${randomBytes(12).toString('hex')}`;
  // The same idempotency key gives the first session back, whatever this call generated.
  const result = await pool.query<{ session_id: string }>(
    `with inserted as (
       insert into payments_simulator_sessions (session_id, idempotency_key, mode, status,
              payment_status, client_reference_id, metadata, amount_total, currency)
       values ($1, $2, $3, 'open', 'unpaid', $4, $5, $6, $7)
       on conflict (idempotency_key) do nothing
       returning session_id)
     select session_id from inserted
     union all
     select session_id from payments_simulator_sessions where idempotency_key = $2`,
    [
      id,
      input.idempotencyKey,
      input.mode,
      input.clientReferenceId,
      JSON.stringify(input.metadata),
      input.amountTotalMinor.toString(),
      input.currency.toLowerCase(),
    ],
  );
  return result.rows[0]!.session_id;
}

export async function findSession(pool: Pool, id: string): Promise<SimulatorSession | null> {
  const result = await pool.query<SessionRow>(
    'select * from payments_simulator_sessions where session_id = $1',
    [id],
  );
  const row = result.rows[0];
  return row ? toSession(row) : null;
}

/**
 * Pay: an open session becomes complete and paid; a paid one stays as it is. A cancelled one
 * cannot be paid any more: its top-up waits for the local timeout, and money taken after that
 * could not be credited (the saga is forward-only).
 */
export async function markPaid(pool: Pool, id: string): Promise<SimulatorSession | null> {
  await pool.query(
    `update payments_simulator_sessions set status = 'complete', payment_status = 'paid'
      where session_id = $1 and status = 'open' and not cancelled`,
    [id],
  );
  return findSession(pool, id);
}

export async function markCancelled(pool: Pool, id: string): Promise<SimulatorSession | null> {
  await pool.query(
    `update payments_simulator_sessions set cancelled = true
      where session_id = $1 and status = 'open'`,
    [id],
  );
  return findSession(pool, id);
}

export async function listSessions(
  pool: Pool,
  options: { createdSince: Date; startingAfter?: string; limit: number },
): Promise<{ sessions: SimulatorSession[]; hasMore: boolean }> {
  const result = await pool.query<SessionRow>(
    `select * from payments_simulator_sessions s
      where created_at >= $1
        and ($2::text is null or (created_at, session_id) < (
              select created_at, session_id from payments_simulator_sessions
               where session_id = $2))
      order by created_at desc, session_id desc
      limit $3`,
    [options.createdSince, options.startingAfter ?? null, options.limit + 1],
  );
  const rows = result.rows.map(toSession);
  return { sessions: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
}

/** The simulator's webhook secret: generated once, kept in the database for every process. */
export async function simulatorWebhookSecret(pool: Pool): Promise<string> {
  const generated = `whsec_sim_${randomBytes(24).toString('hex')}`;
  await pool.query(
    `insert into payments_simulator_settings (name, value) values ('webhook_secret', $1)
     on conflict (name) do nothing`,
    [generated],
  );
  const result = await pool.query<{ value: string }>(
    `select value from payments_simulator_settings where name = 'webhook_secret'`,
  );
  return result.rows[0]!.value;
}
