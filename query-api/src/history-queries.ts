// SQL over rm_wallet_transactions: a wallet's history with its filters (period, kind,
// counterparty), and one money movement by its id. Every movement leaves one row per side
// (the source's debit, the target's credit) or, refused, one failed row on the source; each
// row names the other side, so a single row is enough to answer for the whole movement.
import type { Pool } from 'pg';
import type { HistoryKind, MovementView } from './movement.schemas';

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

type TransactionRow = {
  wallet_id: string;
  stream_version: bigint;
  transaction_id: string;
  kind: HistoryKind;
  direction: 'debit' | 'credit';
  amount: bigint;
  currency: string;
  balance_after: bigint;
  counterparty_wallet_id: string | null;
  status: 'completed' | 'failed';
  note: string | null;
  created_at: Date;
};

/**
 * Newest first, below `beforeVersion` when given; `from` and `to` are both inclusive.
 * Returns up to `limit` rows with their stream version (the cursor).
 */
export async function listTransactions(
  pool: Pool,
  walletId: string,
  filter: HistoryFilter,
  beforeVersion: bigint | undefined,
  limit: number,
): Promise<Array<{ item: TransactionView; version: bigint }>> {
  const result = await pool.query<TransactionRow>(
    `select stream_version, transaction_id, kind, direction, amount, currency, balance_after,
            counterparty_wallet_id, status, note, created_at
       from rm_wallet_transactions
      where wallet_id = $1 and ($2::bigint is null or stream_version < $2)
        and ($3::timestamptz is null or created_at >= $3)
        and ($4::timestamptz is null or created_at <= $4)
        and ($5::text is null or kind = $5)
        and ($6::text is null or counterparty_wallet_id = $6)
      order by stream_version desc limit $7`,
    [
      walletId,
      beforeVersion?.toString() ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.kind ?? null,
      filter.counterpartyWalletId ?? null,
      limit,
    ],
  );
  return result.rows.map((row) => ({ item: transactionView(row), version: row.stream_version }));
}

const transactionView = (row: TransactionRow): TransactionView => ({
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

type MovementRow = TransactionRow & { failure_code: string | null };

/**
 * The movement `transactionId` if `viewerId` owns either side (or is null: auditors and
 * admins); null otherwise, so a stranger cannot tell it exists. The source's row is preferred
 * (a failed attempt has only that one); the credit alone is enough while the debit's batch is
 * still being projected.
 */
export async function findMovement(
  pool: Pool,
  transactionId: string,
  viewerId: string | null,
): Promise<MovementView | null> {
  const result = await pool.query<MovementRow>(
    `select t.*, f.reason as failure_code
       from rm_wallet_transactions t
       left join rm_transfers f on t.status = 'failed' and f.transfer_id = t.transaction_id
      where t.transaction_id = $1
        and ($2::text is null or exists (
              select 1 from rm_wallets w
               where w.wallet_id in (t.wallet_id, t.counterparty_wallet_id) and w.owner_id = $2))
      order by t.direction = 'debit' desc, t.wallet_id
      limit 1`,
    [transactionId, viewerId],
  );
  const row = result.rows[0];
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
