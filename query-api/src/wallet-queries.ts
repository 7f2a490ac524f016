// SQL over the read models for wallet and transfer views, typed and checked by the tables' row
// schemas (shared/read-models/*.rows.ts). Amounts leave the database as bigint and are sent
// as decimal strings; no float ever touches them.
import { sql } from 'slonik';
import type { z } from 'zod';
import type { ReadDatabase } from '../../shared/ports/read-database.port';
import { TransfersRow } from '../../shared/read-models/transfers.rows';
import { walletView, type WalletView } from '../../shared/read-models/wallet-view';
import { WalletsRow } from '../../shared/read-models/wallets.rows';

export type { WalletView };

/** The columns of rm_wallets a wallet view needs. */
export const WalletViewRow = WalletsRow.pick({
  wallet_id: true, owner_id: true, currency: true, balance: true, held: true, status: true,
  version: true,
});
export type WalletViewRow = z.infer<typeof WalletViewRow>;

export const WALLET_VIEW_COLUMNS = sql.fragment`wallet_id, owner_id, currency, balance, held, status,
  version`;

export const toWalletView = (row: WalletViewRow): WalletView =>
  walletView({
    walletId: row.wallet_id,
    ownerId: row.owner_id,
    currency: row.currency,
    balance: row.balance,
    held: row.held,
    status: row.status,
    version: row.version,
  });

export async function findWallet(db: ReadDatabase, walletId: string): Promise<WalletView | null> {
  const row = await db.maybeOne(sql.type(WalletViewRow)`
    select ${WALLET_VIEW_COLUMNS} from rm_wallets where wallet_id = ${walletId}`);
  return row ? toWalletView(row) : null;
}

export async function listWallets(
  db: ReadDatabase,
  ownerId: string,
  after: string | undefined,
  limit: number,
): Promise<WalletView[]> {
  const rows = await db.any(sql.type(WalletViewRow)`
    select ${WALLET_VIEW_COLUMNS} from rm_wallets
     where owner_id = ${ownerId} and (${after ?? null}::text is null or wallet_id > ${after ?? null})
     order by wallet_id limit ${limit + 1}`);
  return rows.map(toWalletView);
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

/** The transfer, if `viewerId` owns either side (or is null: auditors and admins). */
export async function findTransfer(
  db: ReadDatabase,
  transferId: string,
  viewerId: string | null,
): Promise<TransferView | null> {
  const row = await db.maybeOne(sql.type(TransfersRow)`
    select t.* from rm_transfers t
     where t.transfer_id = ${transferId}
       and (${viewerId}::text is null or exists (
             select 1 from rm_wallets w
              where w.wallet_id in (t.source_wallet_id, t.target_wallet_id)
                and w.owner_id = ${viewerId}))`);
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
