// Tells open wallet streams when their wallet's view changed. One feed per process polls the
// wallets projection's checkpoint (one tiny query per tick, and only while a stream is open);
// when it moved, it reads the watched wallets' views with the new position in one statement
// and hands each subscriber its view if it differs from the last one that subscriber sent.
// It reads Postgres, not the projector's memory, so it works the same whether the projector
// runs in this process, in its thread or in another process (docs/api.md, "Live wallet
// views"). A failed read is logged and retried on the next tick; streams stay open.
import type { Pool } from 'pg';
import {
  comparePositions, encodePosition, type Position,
} from '../../../shared/ports/event-store.port';
import type { ReadDatabase } from '../../../shared/ports/read-database.port';
import { readCheckpoint } from '../../../shared/subscriptions/checkpoint.store';
import { WALLETS_CHECKPOINT, walletViewsAt, type WalletViewAt } from './wallet-views-at';

export type FeedSubscriber = {
  readonly walletId: string;
  /** The JSON of the view this subscriber last sent (or the client already has). */
  lastSentJson: string;
  send(viewAt: WalletViewAt, json: string): void;
};

export type WalletViewFeedOptions = Readonly<{
  pool: Pool;
  readDatabase: ReadDatabase;
  pollIntervalMs: number;
  log: Readonly<{ warn(fields: Record<string, unknown>, message: string): void }>;
}>;

export class WalletViewFeed {
  private readonly subscribers = new Map<string, Set<FeedSubscriber>>();
  private timer: NodeJS.Timeout | undefined;
  private lastCheckpoint: Position | null = null;
  /** A subscriber joined since the last read: read views even if the checkpoint stood still. */
  private joined = false;
  private closed = false;

  constructor(private readonly options: WalletViewFeedOptions) {}

  /** Watches `subscriber.walletId` until the returned function is called. */
  subscribe(subscriber: FeedSubscriber): () => void {
    const set = this.subscribers.get(subscriber.walletId) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(subscriber.walletId, set);
    this.joined = true;
    this.schedule();
    return () => {
      set.delete(subscriber);
      if (set.size === 0) this.subscribers.delete(subscriber.walletId);
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.subscribers.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => {
        this.timer = undefined;
        if (this.subscribers.size > 0) this.schedule();
        else this.lastCheckpoint = null;
      });
    }, this.options.pollIntervalMs);
    // An open stream keeps the process alive through its socket, not through this timer.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const checkpoint = await readCheckpoint(this.options.pool, WALLETS_CHECKPOINT);
      const moved = checkpoint !== null
        && (this.lastCheckpoint === null || comparePositions(checkpoint, this.lastCheckpoint) > 0);
      if (!moved && !this.joined) return;
      this.joined = false;
      const views = await walletViewsAt(this.options.readDatabase, [...this.subscribers.keys()]);
      for (const viewAt of views) this.deliver(viewAt);
      this.lastCheckpoint = checkpoint;
    } catch (error) {
      this.joined = true; // Read again on the next tick, whether or not the checkpoint moves.
      const reason = error instanceof Error ? error.message : String(error);
      this.options.log.warn({ reason }, 'wallet streams: reading views failed; retrying');
    }
  }

  private deliver(viewAt: WalletViewAt): void {
    const json = JSON.stringify(viewAt.view);
    for (const subscriber of this.subscribers.get(viewAt.view.walletId) ?? []) {
      if (subscriber.lastSentJson === json) continue;
      subscriber.lastSentJson = json;
      subscriber.send(viewAt, json);
    }
  }
}

/** One Server-Sent Event carrying a wallet view; `id:` is the position it is as of. */
export const walletEvent = (viewAt: WalletViewAt, json: string): string =>
  `id: ${encodePosition(viewAt.position)}\nevent: wallet\ndata: ${json}\n\n`;
