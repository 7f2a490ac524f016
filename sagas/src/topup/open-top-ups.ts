// Which top-ups the expiry saga still watches, folded from a batch of saga events in log
// order: TopUpRequested starts watching (from the instant the log recorded it), and any
// settling event (succeeded, failed, expired) ends it. Pure; a top-up requested and settled
// within one batch leaves no trace.
import type { RecordedEvent } from '../../../shared/ports/event-store.port';

export const TOPUP_SAGA_EVENT_TYPES = ['TopUpRequested', 'TopUpSucceeded', 'TopUpFailed', 'TopUpExpired'];

export type OpenTopUp = Readonly<{ topUpId: string; requestedAt: Date }>;
export type OpenTopUpChanges = Readonly<{ started: OpenTopUp[]; ended: string[] }>;

export function foldOpenTopUps(events: readonly RecordedEvent[]): OpenTopUpChanges {
  const net = new Map<string, OpenTopUp | null>();
  for (const recorded of events) {
    const topUpId = recorded.data['topUpId'];
    if (typeof topUpId !== 'string') continue;
    if (recorded.type === 'TopUpRequested') net.set(topUpId, { topUpId, requestedAt: recorded.recordedAt });
    else if (TOPUP_SAGA_EVENT_TYPES.includes(recorded.type)) net.set(topUpId, null);
  }
  const started: OpenTopUp[] = [];
  const ended: string[] = [];
  for (const [topUpId, open] of net) {
    if (open) started.push(open);
    else ended.push(topUpId);
  }
  return { started, ended };
}
