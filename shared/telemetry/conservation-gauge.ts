// Keeps tng_conservation_imbalance_minor{currency} current: the sum of every wallet balance in
// the rm_wallets read model (system accounts included), per currency, which double entry keeps
// at exactly 0 (docs/architecture.md, invariant 1). A non-zero value is an alert.
// The read model is consistent with the ledger only at transaction boundaries: a projector
// batch may end between the debit and the credit of one transfer. The sum is therefore read in
// one repeatable-read snapshot together with the wallets projection's checkpoint, and the
// gauge is left unchanged when that checkpoint sits inside a transaction (more events of the
// same transaction follow it), so a half-applied transfer never raises a false alarm.
// Cheap and bounded: one indexed lookup and one aggregate over rm_wallets, under a statement
// timeout. Values are minor units as float64: exact up to 2^53, ample for an alarm.
import type { Pool, PoolClient } from 'pg';
import type { ProjectionName } from '../read-models/read-model-names';
import { readCheckpoint } from '../subscriptions/checkpoint.store';
import { CURRENCY_CODES } from './metric-labels';
import type { Metrics } from './metrics';

/** The projection that writes rm_wallets, whose checkpoint dates the snapshot. */
export const WALLETS_PROJECTION: ProjectionName = 'wallets';
export const GAUGE_STATEMENT_TIMEOUT_MS = 5_000;

export type ConservationReading =
  | Readonly<{ status: 'updated'; totals: ReadonlyMap<string, bigint> }>
  | Readonly<{ status: 'mid-transaction' }>;

export async function updateConservationGauge(
  pool: Pool,
  metrics: Pick<Metrics, 'conservationImbalance'>,
): Promise<ConservationReading> {
  const reading = await inSnapshot(pool, readConservation);
  if (reading.status === 'mid-transaction') return reading;
  // reset + set run without an await between them, so no scrape sees a partial set. A known
  // currency no wallet holds yet reads 0, so its series never disappears.
  metrics.conservationImbalance.reset();
  for (const currency of CURRENCY_CODES) metrics.conservationImbalance.set({ currency }, 0);
  for (const [currency, total] of reading.totals) {
    metrics.conservationImbalance.set({ currency }, Number(total));
  }
  return reading;
}

async function readConservation(client: PoolClient): Promise<ConservationReading> {
  const at = await readCheckpoint(client, WALLETS_PROJECTION);
  if (at) {
    const more = await client.query<{ mid: boolean }>(
      `select exists(
         select 1 from events where transaction_id = $1::xid8 and global_position > $2
       ) as mid`,
      [at.transactionId.toString(), at.globalPosition.toString()],
    );
    if (more.rows[0]?.mid) return { status: 'mid-transaction' };
  }
  const sums = await client.query<{ currency: string; total: string }>(
    'select currency, sum(balance)::text as total from rm_wallets group by currency',
  );
  const totals = new Map(sums.rows.map((row) => [row.currency, BigInt(row.total)]));
  return { status: 'updated', totals };
}

/** Runs `read` in one read-only repeatable-read transaction with a statement timeout. */
async function inSnapshot<T>(pool: Pool, read: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query(`set local statement_timeout = ${GAUGE_STATEMENT_TIMEOUT_MS}`);
    const result = await read(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
