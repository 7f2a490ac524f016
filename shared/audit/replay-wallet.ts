// Replays one wallet's stream from the event log (not the read models): the balance timeline
// an auditor can trust, up to any instant. Used by the audit routes and `tng audit replay`.
import { walletEventOf } from '../domain/decode-stored-event';
import { evolveWallet } from '../domain/wallet/wallet.evolve';
import { initialWalletState, type WalletState } from '../domain/wallet/wallet.state';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import { walletStreamId } from '../domain/wallet/wallet.streams';
import { walletId as toWalletId } from '../domain/ids';
import { encodePosition, type EventStore, type RecordedEvent } from '../ports/event-store.port';

export const REPLAY_PAGE_SIZE_MAX = 5_000;

/** One event with the wallet's state before and after it. */
export type ReplayStep = {
  recorded: RecordedEvent;
  event: WalletEvent;
  before: WalletState;
  state: WalletState;
};

/** Folds the stream up to `at` (inclusive, by recorded time), calling `onStep` per event. */
export async function replayWallet(
  store: EventStore,
  walletId: string,
  options: { at?: Date; onStep?: (step: ReplayStep) => void } = {},
): Promise<{ state: WalletState; last: RecordedEvent | null }> {
  const streamId = walletStreamId(toWalletId(walletId));
  let state = initialWalletState();
  let last: RecordedEvent | null = null;
  for (let fromVersion = 1n; ;) {
    const page = await store.readStream(streamId, { fromVersion, limit: REPLAY_PAGE_SIZE_MAX });
    for (const recorded of page) {
      if (options.at && recorded.recordedAt > options.at) return { state, last };
      const event = walletEventOf(recorded);
      const before = state;
      state = evolveWallet(state, event);
      last = recorded;
      options.onStep?.({ recorded, event, before, state });
    }
    if (page.length < REPLAY_PAGE_SIZE_MAX) return { state, last };
    fromVersion = page.at(-1)!.streamVersion + 1n;
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
