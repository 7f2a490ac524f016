// Which holds the hold-expiry saga still watches, folded from a batch of wallet events in log
// order: a HoldPlaced starts watching its hold, a HoldCaptured, HoldReleased or HoldExpired
// ends it. Pure, so the subscriber's SQL only applies the net result of a batch: a hold placed
// and ended within one batch leaves no trace.
import { walletEventOf } from '../../../shared/domain/decode-stored-event';
import type { RecordedEvent } from '../../../shared/ports/event-store.port';

/** The events that start or end a hold: what the saga's subscription asks for. */
export const HOLD_EVENT_TYPES = ['HoldPlaced', 'HoldCaptured', 'HoldReleased', 'HoldExpired'];

export type PendingHold = Readonly<{ holdId: string; walletId: string; expiresAt: Date }>;
export type PendingHoldChanges = Readonly<{ started: PendingHold[]; ended: string[] }>;

export function foldPendingHolds(events: readonly RecordedEvent[]): PendingHoldChanges {
  // Null: ended in this batch (placed before it, or in it).
  const net = new Map<string, PendingHold | null>();
  for (const recorded of events) {
    const event = walletEventOf(recorded);
    if (event.type === 'HoldPlaced') {
      const { holdId, walletId, expiresAt } = event.data;
      net.set(holdId, { holdId, walletId, expiresAt: new Date(expiresAt) });
    } else if (
      event.type === 'HoldCaptured' || event.type === 'HoldReleased' || event.type === 'HoldExpired'
    ) {
      net.set(event.data.holdId, null);
    }
  }
  const started: PendingHold[] = [];
  const ended: string[] = [];
  for (const [holdId, hold] of net) {
    if (hold) started.push(hold);
    else ended.push(holdId);
  }
  return { started, ended };
}
