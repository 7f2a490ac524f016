// Wallet views together with the wallets projection's checkpoint, read by one statement, so
// the position names exactly the state the views show: the projector writes rows and its
// checkpoint in one transaction, and one statement sees one snapshot. That position is what a
// wallet stream sends as an event's `id:` (docs/api.md, "Live wallet views").
import { sql } from 'slonik';
import { z } from 'zod';
import {
  START_POSITION, decodePosition, type Position,
} from '../../../shared/ports/event-store.port';
import type { ReadDatabase } from '../../../shared/ports/read-database.port';
import { WALLET_VIEW_COLUMNS, WalletViewRow, toWalletView, type WalletView } from '../wallet-queries';

/** The checkpoint under which the wallets projection writes rm_wallets. */
export const WALLETS_CHECKPOINT = 'wallets';

const ViewAtRow = WalletViewRow.extend({ checkpoint: z.string().nullable() });

export type WalletViewAt = Readonly<{ view: WalletView; position: Position }>;

/** The views of `walletIds` that exist, each with the position they are as of. */
export async function walletViewsAt(
  db: ReadDatabase,
  walletIds: readonly string[],
): Promise<WalletViewAt[]> {
  if (walletIds.length === 0) return [];
  const rows = await db.any(sql.type(ViewAtRow)`
    select ${WALLET_VIEW_COLUMNS},
           (select transaction_id::text || '.' || global_position::text
              from projection_checkpoints where name = ${WALLETS_CHECKPOINT}) as checkpoint
      from rm_wallets where wallet_id = any(${sql.array([...walletIds], 'text')})`);
  return rows.map((row) => ({
    view: toWalletView(row),
    // No checkpoint yet means the projector has applied nothing; rows cannot exist then, but
    // a hand-made row (tests, a restore) still gets a position that every later one passes.
    position: (row.checkpoint === null ? null : decodePosition(row.checkpoint)) ?? START_POSITION,
  }));
}
