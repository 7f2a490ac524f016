// Replays one wallet's stream from the event log (not the read models): the balance timeline
// an auditor can trust, up to any instant. Used by the audit routes and `tng audit replay`.
import { walletEventOf } from '../domain/decode-stored-event';
import { evolveWallet } from '../domain/wallet/wallet.evolve';
import { initialWalletState, type WalletState } from '../domain/wallet/wallet.state';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import { walletStreamId } from '../domain/wallet/wallet.streams';
import { walletId as toWalletId } from '../domain/ids';
import { encodePosition, type EventStore, type RecordedEvent } from '../ports/event-store.port';

// 1,000 rather than 5,000: with a page read ahead, pages of 500 to 2,000 replayed ~10% faster
// than 5,000 in one alternating run (docs/performance.md, "Audit replay"); fewer rows alive
// at once is the likely reason (less for the garbage collector to keep).
export const REPLAY_PAGE_SIZE_MAX = 1_000;

/** One event with the wallet's state before and after it. */
export type ReplayStep = {
  recorded: RecordedEvent;
  event: WalletEvent;
  before: WalletState;
  state: WalletState;
};

/**
 * Folds the stream up to `at` (inclusive, by recorded time), calling `onStep` per event.
 * Pages are read one ahead: the next page is on its way from Postgres while this one is
 * decoded and folded, so the database and this process work side by side
 * (docs/performance.md, "Audit replay").
 */
export async function replayWallet(
  store: EventStore,
  walletId: string,
  options: { at?: Date; onStep?: (step: ReplayStep) => void } = {},
): Promise<{ state: WalletState; last: RecordedEvent | null }> {
  const streamId = walletStreamId(toWalletId(walletId));
  const readPage = (fromVersion: bigint) =>
    store.readStream(streamId, { fromVersion, limit: REPLAY_PAGE_SIZE_MAX });
  let state = initialWalletState();
  let last: RecordedEvent | null = null;
  let next: Promise<RecordedEvent[]> | null = readPage(1n);
  try {
    while (next) {
      const page: RecordedEvent[] = await next;
      next = page.length < REPLAY_PAGE_SIZE_MAX ? null : readPage(page.at(-1)!.streamVersion + 1n);
      for (const recorded of page) {
        if (options.at && recorded.recordedAt > options.at) return { state, last };
        const event = walletEventOf(recorded);
        const before = state;
        state = evolveWallet(state, event);
        last = recorded;
        options.onStep?.({ recorded, event, before, state });
      }
    }
    return { state, last };
  } finally {
    // A page read ahead and not needed (stopped at `at`, or a step threw) is still awaited,
    // so its failure is never an unhandled rejection and no query outlives the replay.
    await next?.catch(() => undefined);
  }
}

export function balanceSummary(state: WalletState, last: RecordedEvent | null) {
  const balance = state.status === 'absent' ? 0n : state.balanceMinor;
  const held = state.status === 'absent' ? 0n : state.heldMinor;
  return {
    balance: balance.toString(),
    held: held.toString(),
    available: (balance - held).toString(),
    currency: state.status === 'absent' ? null : state.currency,
    version: last ? last.streamVersion.toString() : '0',
    position: last ? encodePosition(last.position) : null,
  };
}
