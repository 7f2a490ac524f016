// SQL over the read models for wallet views. Amounts leave the database as bigint and are
// sent as decimal strings; no float ever touches them.
import type { Pool } from 'pg';
import { walletView, type WalletView } from '../../shared/read-models/wallet-view';

export type { WalletView };

type WalletRow = {
  wallet_id: string;
  owner_id: string | null;
  currency: string;
  balance: bigint;
  held: bigint;
  status: string;
  version: bigint;
};

const WALLET_COLUMNS = 'wallet_id, owner_id, currency, balance, held, status, version';

export const toWalletView = (row: WalletRow): WalletView =>
  walletView({
    walletId: row.wallet_id,
    ownerId: row.owner_id,
    currency: row.currency,
    balance: row.balance,
    held: row.held,
    status: row.status,
    version: row.version,
  });

export async function findWallet(pool: Pool, walletId: string): Promise<WalletView | null> {
  const result = await pool.query<WalletRow>(
    `select ${WALLET_COLUMNS} from rm_wallets where wallet_id = $1`,
    [walletId],
  );
  return result.rows[0] ? toWalletView(result.rows[0]) : null;
}

export async function listWallets(
  pool: Pool,
  ownerId: string,
  after: string | undefined,
  limit: number,
): Promise<WalletView[]> {
  const result = await pool.query<WalletRow>(
    `select ${WALLET_COLUMNS} from rm_wallets
      where owner_id = $1 and ($2::text is null or wallet_id > $2)
      order by wallet_id limit $3`,
    [ownerId, after ?? null, limit + 1],
  );
  return result.rows.map(toWalletView);
}

export type TransferView = {
  transferId: string;
  kind: string;
  status: string;
  sourceWalletId: string;
  targetWalletId: string;
  amount: string;
  currency: string;
  reason?: string;
  note?: string;
  createdAt: string;
};

type TransferRow = {
  transfer_id: string;
  kind: string;
  status: string;
  source_wallet_id: string;
  target_wallet_id: string;
  amount: bigint;
  currency: string;
  reason: string | null;
  note: string | null;
  created_at: Date;
};

/** The transfer, if `viewerId` owns either side (or is null: auditors and admins). */
export async function findTransfer(
  pool: Pool,
  transferId: string,
  viewerId: string | null,
): Promise<TransferView | null> {
  const result = await pool.query<TransferRow>(
    `select t.* from rm_transfers t
      where t.transfer_id = $1
        and ($2::text is null or exists (
              select 1 from rm_wallets w
               where w.wallet_id in (t.source_wallet_id, t.target_wallet_id)
                 and w.owner_id = $2))`,
    [transferId, viewerId],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    transferId: row.transfer_id,
    kind: row.kind,
    status: row.status,
    sourceWalletId: row.source_wallet_id,
    targetWalletId: row.target_wallet_id,
    amount: row.amount.toString(),
    currency: row.currency,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.note ? { note: row.note } : {}),
    createdAt: row.created_at.toISOString(),
  };
}
