// The wallets projection: balances, holds and per-wallet history (with running balance and
// counterparty, failed attempts included). Per batch it loads the rows the batch touches,
// folds the events in memory with the pure projectWalletEvent, and writes every changed row
// with one statement per table. Events at or below a row's version are skipped, so a
// replayed batch changes nothing. A replay session keeps the rows across batches instead
// (wallet-write-back-cache.ts) and writes them when it finishes.
import type { PoolClient } from 'pg';
import { walletIdOfStream } from '../../../shared/domain/wallet/wallet.streams';
import type { RecordedEvent } from '../../../shared/ports/event-store.port';
import type { Cache } from '../../../shared/ports/cache.port';
import { walletView } from '../../../shared/read-models/wallet-view';
import { walletCacheKey, WALLET_CACHE_TTL_MS } from '../../../shared/read-models/read-model-names';
import type { Projection, TableNames } from '../projection';
import { walletEventOf } from '../../../shared/domain/decode-stored-event';
import { projectWalletEvent } from './project-wallet-event';
import type { ProjectedTransaction, ProjectedWallet } from './projected-wallet';
import { WalletWriteBackCache } from './wallet-write-back-cache';
import { writeTransactions } from './wallets.sql';

/** Rows a replay keeps in memory (a few hundred bytes each) before it writes them back. */
export const REPLAY_ROWS_IN_MEMORY_MAX = 200_000;

/**
 * `cache`, when given, receives each changed wallet's view after the batch commits.
 * `replayRowsInMemoryMax` lowers REPLAY_ROWS_IN_MEMORY_MAX (tests cross it on purpose).
 */
export const createWalletsProjection = (
  cache?: Cache,
  options: { replayRowsInMemoryMax?: number } = {},
): Projection => ({
  name: 'wallets',
  tables: ['rm_wallets', 'rm_holds', 'rm_wallet_transactions'],
  // History rows are keyed by (wallet, stream version), and the applier skips versions it
  // has applied, so no key is inserted twice.
  insertOnlyTables: ['rm_wallet_transactions'],
  keys: {
    rm_wallets: ['wallet_id'],
    rm_holds: ['hold_id'],
    rm_wallet_transactions: ['wallet_id', 'stream_version'],
  },
  apply: async (client, events, tables) => {
    const rows = new WalletWriteBackCache();
    await applyWalletEvents(client, events, tables, rows);
    const changed = await rows.writeChanged(client, tables);
    if (!cache || changed.length === 0) return undefined;
    return () => cacheWalletViews(cache, changed);
  },
  replaySession: () => {
    const rows = new WalletWriteBackCache();
    return {
      apply: async (client, events, tables) => {
        await applyWalletEvents(client, events, tables, rows);
        if (rows.size <= (options.replayRowsInMemoryMax ?? REPLAY_ROWS_IN_MEMORY_MAX)) return;
        await rows.writeChanged(client, tables);
        rows.clear();
      },
      finish: async (client, tables) => {
        await rows.writeChanged(client, tables);
      },
    };
  },
});

async function cacheWalletViews(cache: Cache, rows: readonly ProjectedWallet[]): Promise<void> {
  await Promise.all(
    rows.map((row) =>
      cache.set(walletCacheKey(row.walletId), JSON.stringify(walletView(row)), {
        ttlMs: WALLET_CACHE_TTL_MS,
      }),
    ),
  );
}

/** Folds the events into `rows` and writes their history rows; `rows` writes the rest. */
async function applyWalletEvents(
  client: PoolClient,
  events: readonly RecordedEvent[],
  tables: TableNames,
  rows: WalletWriteBackCache,
): Promise<void> {
  const walletEvents = events.flatMap((recorded) => {
    const walletId = walletIdOfStream(recorded.streamId);
    return walletId === null ? [] : [{ recorded, walletId }];
  });
  if (walletEvents.length === 0) return;
  const walletIds = [...new Set(walletEvents.map((entry) => entry.walletId))];
  const holdIds = [
    ...new Set(
      walletEvents.flatMap(({ recorded: { type, data } }) =>
        typeof data.holdId === 'string' && type.startsWith('Hold') ? [data.holdId] : [],
      ),
    ),
  ];
  await rows.load(client, tables, walletIds, holdIds);
  const transactions: ProjectedTransaction[] = [];
  for (const { recorded, walletId } of walletEvents) {
    const row = rows.wallet(walletId);
    if (row && recorded.streamVersion <= row.version) continue; // Already applied.
    const effects = projectWalletEvent(row, (id) => rows.hold(id), walletEventOf(recorded), {
      streamVersion: recorded.streamVersion,
      recordedAt: recorded.recordedAt,
    });
    if (effects.wallet) rows.putWallet(effects.wallet);
    if (effects.hold) rows.putHold(effects.hold);
    if (effects.transaction) transactions.push(effects.transaction);
  }
  await writeTransactions(client, tables.rm_wallet_transactions!, transactions);
}
