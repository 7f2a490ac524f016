// The wallets projection: balances, holds and per-wallet history (with running balance and
// counterparty, failed attempts included). Per batch it loads the rows the batch touches,
// folds the events in memory with the pure projectWalletEvent, and writes every changed row
// with one statement per table. Events at or below a row's version are skipped, so a
// replayed batch changes nothing.
import type { PoolClient } from 'pg';
import { decodeWalletEvent } from '../../../shared/domain/event-codec';
import { walletIdOfStream } from '../../../shared/domain/wallet/wallet.streams';
import type { RecordedEvent } from '../../../shared/ports/event-store.port';
import type { Cache } from '../../../shared/ports/cache.port';
import { walletCacheKey, WALLET_CACHE_TTL_MS } from '../../../shared/read-models/read-model-names';
import type { Projection, TableNames } from '../projection';
import {
  projectWalletEvent,
  type HoldRow,
  type TransactionRow,
  type WalletRow,
} from './wallet-row';
import { loadHolds, loadWallets, writeHolds, writeTransactions, writeWallets } from './wallets.sql';

/** `cache`, when given, receives each changed wallet's view after the batch commits. */
export const createWalletsProjection = (cache?: Cache): Projection => ({
  name: 'wallets',
  tables: ['rm_wallets', 'rm_holds', 'rm_wallet_transactions'],
  keys: {
    rm_wallets: ['wallet_id'],
    rm_holds: ['hold_id'],
    rm_wallet_transactions: ['wallet_id', 'stream_version'],
  },
  apply: async (client, events, tables) => {
    const changed = await applyWalletEvents(client, events, tables);
    if (!cache || changed.length === 0) return undefined;
    return () => cacheWalletViews(cache, changed);
  },
});

async function cacheWalletViews(cache: Cache, rows: readonly WalletRow[]): Promise<void> {
  await Promise.all(
    rows.map((row) =>
      cache.set(
        walletCacheKey(row.walletId),
        JSON.stringify({
          walletId: row.walletId,
          ownerId: row.ownerId,
          currency: row.currency,
          balance: row.balance.toString(),
          available: (row.balance - row.held).toString(),
          held: row.held.toString(),
          status: row.status,
          version: row.version.toString(),
        }),
        { ttlMs: WALLET_CACHE_TTL_MS },
      ),
    ),
  );
}

async function applyWalletEvents(
  client: PoolClient,
  events: readonly RecordedEvent[],
  tables: TableNames,
): Promise<WalletRow[]> {
  const walletEvents = events.filter((event) => walletIdOfStream(event.streamId) !== null);
  if (walletEvents.length === 0) return [];
  const walletIds = [...new Set(walletEvents.map((e) => walletIdOfStream(e.streamId)!))];
  const holdIds = [
    ...new Set(
      walletEvents.flatMap((e) =>
        typeof e.data.holdId === 'string' && e.type.startsWith('Hold') ? [e.data.holdId] : [],
      ),
    ),
  ];
  const wallets = await loadWallets(client, tables.rm_wallets!, walletIds);
  const holds = await loadHolds(client, tables.rm_holds!, holdIds);
  const dirtyWallets = new Map<string, WalletRow>();
  const dirtyHolds = new Map<string, HoldRow>();
  const transactions: TransactionRow[] = [];
  for (const recorded of walletEvents) {
    const walletId = walletIdOfStream(recorded.streamId)!;
    const row = wallets.get(walletId) ?? null;
    if (row && recorded.streamVersion <= row.version) continue; // Already applied.
    const effects = projectWalletEvent(row, (id) => holds.get(id), decodeWalletEvent(recorded), {
      streamVersion: recorded.streamVersion,
      recordedAt: recorded.recordedAt,
    });
    if (effects.wallet) {
      wallets.set(walletId, effects.wallet);
      dirtyWallets.set(walletId, effects.wallet);
    }
    if (effects.hold) {
      holds.set(effects.hold.holdId, effects.hold);
      dirtyHolds.set(effects.hold.holdId, effects.hold);
    }
    if (effects.transaction) transactions.push(effects.transaction);
  }
  await writeWallets(client, tables.rm_wallets!, [...dirtyWallets.values()]);
  await writeHolds(client, tables.rm_holds!, [...dirtyHolds.values()]);
  await writeTransactions(client, tables.rm_wallet_transactions!, transactions);
  return [...dirtyWallets.values()];
}
