// Reads what the drift check compares against: the wallets projection's checkpoint and every
// rm_wallets row, from ONE read-only REPEATABLE READ snapshot. The projector writes rows and
// checkpoint in one transaction, so within a snapshot the rows are exactly the events up to
// that checkpoint, while the projector keeps running. Such a transaction takes no
// transaction id, so it does not hold back the event store's readAll horizon.
import type { Pool } from 'pg';
import { START_POSITION, type Position } from '../ports/event-store.port';
import type { ProjectionName } from '../read-models/read-model-names';
import type { WalletsRow } from '../read-models/wallets.rows';
import { readCheckpoint } from '../subscriptions/checkpoint.store';
import type { ReadModelWallet } from './read-model-drift.check';

export const WALLETS_PROJECTION: ProjectionName = 'wallets';
export const READ_MODEL_PAGE_SIZE_MAX = 10_000;

export type WalletsReadModel = Readonly<{ checkpoint: Position; wallets: ReadModelWallet[] }>;

/** The figures of rm_wallets the drift check compares (pg, not slonik: the checkpoint is read
 * on the same pg client, by the shared checkpoint store). */
type WalletFiguresRow = Pick<WalletsRow, 'wallet_id' | 'balance' | 'held' | 'version'>;

export async function readWalletsReadModel(pool: Pool): Promise<WalletsReadModel> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    // Never run: the read model is empty, and so is the replay.
    const checkpoint = (await readCheckpoint(client, WALLETS_PROJECTION)) ?? START_POSITION;
    const wallets: ReadModelWallet[] = [];
    // Terminates: each page starts strictly after the last one, in a fixed snapshot.
    for (let after = ''; ;) {
      const page = await client.query<WalletFiguresRow>(
        `select wallet_id, balance, held, version from rm_wallets
          where wallet_id > $1 order by wallet_id limit $2`,
        [after, READ_MODEL_PAGE_SIZE_MAX],
      );
      for (const row of page.rows) {
        wallets.push({
          walletId: row.wallet_id,
          balanceMinor: toBigInt(row.balance),
          heldMinor: toBigInt(row.held),
          version: toBigInt(row.version),
        });
      }
      const last = page.rows.at(-1);
      if (!last || page.rows.length < READ_MODEL_PAGE_SIZE_MAX) break;
      after = last.wallet_id;
    }
    return { checkpoint, wallets };
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

/** int8 columns arrive as bigint with the runtime's type parsers, as text without them. */
const toBigInt = (value: bigint | string): bigint => BigInt(value);
