// Which wallets have holds past their expiry, according to the saga's own table of pending holds
// (pending-holds.subscriber.ts) and the DATABASE clock (docs/architecture.md, "The ledger
// model": expiry uses the database clock).
// `now()` comes from the same statement, so the instant that selected the wallets is the instant
// the sweep passes to expireHolds: every process agrees on time, whatever its own clock says. The
// table may lag the log, never lead it: it only nominates wallets. The wallet's own stream decides
// what actually expires, so a stale row costs one load and appends nothing. Invariant: at most
// `limit` wallets per call (1..HOLD_EXPIRY_BATCH_SIZE_MAX), most overdue first, so a backlog drains
// in order and no wallet waits behind newer ones.
import type { Pool } from 'pg';
import { assert } from '../../../shared/errors/assert';

export const HOLD_EXPIRY_BATCH_SIZE_MAX = 1_000;

export type DueWallets = Readonly<{ databaseNow: Date; walletIds: readonly string[] }>;

const DUE_WALLETS_SQL = `
  select now() as database_now,
         array(
           select wallet_id from saga_hold_expiry_holds
            where expires_at <= now()
            group by wallet_id
            order by min(expires_at), wallet_id
            limit $1
         ) as wallet_ids`;

export async function findDueWallets(
  pool: Pick<Pool, 'query'>,
  limit: number,
): Promise<DueWallets> {
  assert(Number.isSafeInteger(limit) && limit >= 1, 'a positive batch size');
  assert(limit <= HOLD_EXPIRY_BATCH_SIZE_MAX, 'the batch size is bounded');
  const result = await pool.query<{ database_now: Date; wallet_ids: string[] }>(
    DUE_WALLETS_SQL,
    [limit],
  );
  const row = result.rows[0];
  assert(row !== undefined, 'the due-wallets query returns one row');
  return { databaseNow: row.database_now, walletIds: row.wallet_ids };
}
