// Consumers get messages at least once, so every consumer dedupes by eventId. This wrapper
// drops a message whose eventId it has already handled, remembering at most `seenMax` ids
// (oldest forgotten first). An id is remembered only after the handler resolved, so a
// handler that threw still gets the redelivery. It catches the usual duplicates (a
// redelivery after a crash before commit, a relay republishing from its checkpoint); a
// consumer whose effect must happen exactly once (money, e-mails) must also dedupe in its
// own store, in the same transaction as the effect, because this memory is per process.
import type { BusHandler, BusMessage } from '../../ports/bus.port';

export const DEDUPE_SEEN_MAX = 10_000;

export function dedupeByEventId(handler: BusHandler, seenMax = DEDUPE_SEEN_MAX): BusHandler {
  const seen = new Set<string>(); // a Set iterates in insertion order: first = oldest
  return async (message: BusMessage) => {
    if (seen.has(message.eventId)) return;
    await handler(message);
    seen.add(message.eventId);
    if (seen.size > seenMax) seen.delete(seen.values().next().value as string);
  };
}
