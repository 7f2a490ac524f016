// The next events after a position, cut at an optional upper bound. Shared by the subscription
// runner and by projection replays, which stop at a position fixed when they start (the live
// checkpoint or the head), so that a busy ledger cannot keep a replay going.
import {
  comparePositions,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '../ports/event-store.port';

export async function readBatch(
  store: EventStore,
  after: Position,
  limit: number,
  until?: Position,
): Promise<RecordedEvent[]> {
  const events = await store.readAll({ after, limit });
  if (!until) return events;
  // readAll returns events in global order, so everything from the first one past the bound
  // on is past it too.
  const beyond = events.findIndex((event) => comparePositions(event.position, until) > 0);
  return beyond === -1 ? events : events.slice(0, beyond);
}
