// Domain events to appendable events: encoded to their latest schema, with deterministic ids
// (so a command decided twice produces the same ids and the store keeps one copy) and the
// request's metadata.
import { encodeDomainEvent, type DomainEvent } from '../../shared/domain/event-codec';
import type { EventMetadata, NewEvent } from '../../shared/ports/event-store.port';
import { deterministicUuid } from './command-runner';

export function newEvents(
  events: readonly DomainEvent[],
  seed: string,
  metadata: EventMetadata,
): NewEvent[] {
  return events.map((event, index) => ({
    eventId: deterministicUuid(`${seed}:${index}`),
    ...encodeDomainEvent(event),
    metadata,
  }));
}

export const metadataFor = (
  request: Readonly<{ id: string; principalId?: string }>,
  now: Date,
): EventMetadata => ({
  occurredAt: now.toISOString(),
  requestId: request.id,
  correlationId: request.id,
  ...(request.principalId ? { actorId: request.principalId } : {}),
});
