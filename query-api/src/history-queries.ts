// SQL over rm_wallet_transactions: a wallet's history with its filters (period, kind,
// counterparty), and one money movement by its id, typed and checked by the table's row
// schema (shared/read-models/wallet-transactions.rows.ts). Every movement leaves one row per
// side (the source's debit, the target's credit) or, refused, one failed row on the source;
// each row names the other side, so a single row is enough to answer for the whole movement.
import { sql } from 'slonik';
import { z } from 'zod';
import type { ReadDatabase } from '../../shared/ports/read-database.port';
import {
  WalletTransactionsRow, type HistoryKind,
} from '../../shared/read-models/wallet-transactions.rows';
import type { MovementView } from './movement.schemas';

export type HistoryFilter = Readonly<{
  from?: Date;
  to?: Date;
  kind?: HistoryKind;
  counterpartyWalletId?: string;
}>;

export type TransactionView = {
  transactionId: string;
  kind: HistoryKind;
  direction: 'debit' | 'credit';
  amount: string;
  currency: string;
  balanceAfter: string;
  counterpartyWalletId: string | null;
  status: 'completed' | 'failed';
  note: string | null;
  createdAt: string;
};

/** The history columns a page shows (the wallet is the one asked for). */
const HistoryRow = WalletTransactionsRow.omit({ wallet_id: true, reference: true });
type HistoryRow = z.infer<typeof HistoryRow>;

/** A history row with, for a failed movement, its rejection code from rm_transfers. */
const MovementRow = WalletTransactionsRow.extend({ failure_code: z.string().nullable() });

const instant = (date: Date | undefined) => date?.toISOString() ?? null;

/**
 * Newest first, below `beforeVersion` when given; `from` and `to` are both inclusive.
 * Returns up to `limit` rows with their stream version (the cursor).
 */
export async function listTransactions(
  db: ReadDatabase,
  walletId: string,
  filter: HistoryFilter,
  beforeVersion: bigint | undefined,
  limit: number,
): Promise<Array<{ item: TransactionView; version: bigint }>> {
  const before = beforeVersion?.toString() ?? null;
  const kind = filter.kind ?? null;
  const counterparty = filter.counterpartyWalletId ?? null;
  const rows = await db.any(sql.type(HistoryRow)`
    select stream_version, transaction_id, kind, direction, amount, currency, balance_after,
           counterparty_wallet_id, status, note, created_at
      from rm_wallet_transactions
     where wallet_id = ${walletId} and (${before}::bigint is null or stream_version < ${before})
       and (${instant(filter.from)}::timestamptz is null or created_at >= ${instant(filter.from)})
       and (${instant(filter.to)}::timestamptz is null or created_at <= ${instant(filter.to)})
       and (${kind}::text is null or kind = ${kind})
       and (${counterparty}::text is null or counterparty_wallet_id = ${counterparty})
     order by stream_version desc limit ${limit}`);
  return rows.map((row) => ({ item: transactionView(row), version: row.stream_version }));
}

const transactionView = (row: HistoryRow): TransactionView => ({
  transactionId: row.transaction_id,
  kind: row.kind,
  direction: row.direction,
  amount: row.amount.toString(),
  currency: row.currency,
  balanceAfter: row.balance_after.toString(),
  counterpartyWalletId: row.counterparty_wallet_id,
  status: row.status,
  note: row.note,
  createdAt: row.created_at.toISOString(),
});

/**
 * The movement `transactionId` if `viewerId` owns either side (or is null: auditors and
 * admins); null otherwise, so a stranger cannot tell it exists. The source's row is preferred
 * (a failed attempt has only that one); the credit alone is enough while the debit's batch is
 * still being projected.
 */
export async function findMovement(
  db: ReadDatabase,
  transactionId: string,
  viewerId: string | null,
): Promise<MovementView | null> {
  const row = await db.maybeOne(sql.type(MovementRow)`
    select t.*, f.reason as failure_code
      from rm_wallet_transactions t
      left join rm_transfers f on t.status = 'failed' and f.transfer_id = t.transaction_id
     where t.transaction_id = ${transactionId}
       and (${viewerId}::text is null or exists (
             select 1 from rm_wallets w
              where w.wallet_id in (t.wallet_id, t.counterparty_wallet_id)
                and w.owner_id = ${viewerId}))
     order by t.direction = 'debit' desc, t.wallet_id
     limit 1`);
  if (!row || row.counterparty_wallet_id === null) return null;
  const debit = row.direction === 'debit';
  // An adjustment's note is the admin's reason; a failed movement's reason is its code.
  const reason = row.kind === 'adjustment' ? row.note : row.failure_code;
  const note = row.kind === 'adjustment' ? null : row.note;
  return {
    transactionId: row.transaction_id,
    kind: row.kind,
    status: row.status,
    sourceWalletId: debit ? row.wallet_id : row.counterparty_wallet_id,
    targetWalletId: debit ? row.counterparty_wallet_id : row.wallet_id,
    amount: row.amount.toString(),
    currency: row.currency,
    createdAt: row.created_at.toISOString(),
    ...(note ? { note } : {}),
    ...(reason ? { reason } : {}),
  };
}
