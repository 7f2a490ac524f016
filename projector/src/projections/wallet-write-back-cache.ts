// A write-back cache of the wallet and hold rows a wallets applier works on: loaded from the
// tables on first use, changed in memory, written back by `writeChanged` (one statement per
// table). The live runner uses one per batch, inside the batch's transaction. A replay keeps
// one for its whole run, since only it writes its copy: each row is then loaded once and
// written once per flush rather than once per batch, which was half of a rebuild's database
// work.
import type { PoolClient } from 'pg';
import type { TableNames } from '../projection';
import type { ProjectedHold, ProjectedWallet } from './projected-wallet';
import { loadHolds, loadWallets, writeHolds, writeWallets } from './wallets.sql';

export class WalletWriteBackCache {
  private readonly wallets = new Map<string, ProjectedWallet>();
  private readonly holds = new Map<string, ProjectedHold>();
  private readonly changedWallets = new Set<string>();
  private readonly changedHolds = new Set<string>();

  /** Rows held in memory, for callers that bound it. */
  get size(): number {
    return this.wallets.size + this.holds.size;
  }

  /** Loads the rows not in memory yet; ids without a row stay absent. */
  async load(
    client: PoolClient,
    tables: TableNames,
    walletIds: readonly string[],
    holdIds: readonly string[],
  ): Promise<void> {
    const wallets = walletIds.filter((id) => !this.wallets.has(id));
    const holds = holdIds.filter((id) => !this.holds.has(id));
    if (wallets.length > 0) {
      for (const [id, row] of await loadWallets(client, tables.rm_wallets!, wallets)) {
        this.wallets.set(id, row);
      }
    }
    if (holds.length > 0) {
      for (const [id, row] of await loadHolds(client, tables.rm_holds!, holds)) {
        this.holds.set(id, row);
      }
    }
  }

  wallet(walletId: string): ProjectedWallet | null {
    return this.wallets.get(walletId) ?? null;
  }

  hold(holdId: string): ProjectedHold | undefined {
    return this.holds.get(holdId);
  }

  putWallet(row: ProjectedWallet): void {
    this.wallets.set(row.walletId, row);
    this.changedWallets.add(row.walletId);
  }

  putHold(row: ProjectedHold): void {
    this.holds.set(row.holdId, row);
    this.changedHolds.add(row.holdId);
  }

  /** Writes every row changed since the last write; returns the wallet rows written. */
  async writeChanged(client: PoolClient, tables: TableNames): Promise<ProjectedWallet[]> {
    const wallets = [...this.changedWallets].map((id) => this.wallets.get(id)!);
    const holds = [...this.changedHolds].map((id) => this.holds.get(id)!);
    await writeWallets(client, tables.rm_wallets!, wallets);
    await writeHolds(client, tables.rm_holds!, holds);
    this.changedWallets.clear();
    this.changedHolds.clear();
    return wallets;
  }

  /** Forgets every row; only after writeChanged, or the changes are lost. */
  clear(): void {
    this.wallets.clear();
    this.holds.clear();
    this.changedWallets.clear();
    this.changedHolds.clear();
  }
}
