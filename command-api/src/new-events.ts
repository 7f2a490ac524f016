// Domain events to appendable events: encoded to their latest schema, with deterministic ids
// (so a command decided twice produces the same ids and the store keeps one copy) and the
// request's metadata. Every handler appends through appendTo.
import { deterministicUuid } from '../../shared/domain/deterministic-uuid';
import { encodeDomainEvent, type DomainEvent } from '../../shared/domain/event-codec';
import type {
  EventMetadata,
  ExpectedVersion,
  StreamAppend,
} from '../../shared/ports/event-store.port';
import { activeTraceparent } from '../../shared/telemetry/tracing';

/**
 * One stream's part of an append: `events` after `expectedVersion`, their ids derived from
 * `seed` (give each stream of one command its own seed).
 */
export function appendTo(
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: readonly DomainEvent[],
  seed: string,
  metadata: EventMetadata,
): StreamAppend {
  return {
    streamId,
    expectedVersion,
    events: events.map((event, index) => ({
      eventId: deterministicUuid(`${seed}:${index}`),
      ...encodeDomainEvent(event),
      metadata,
    })),
  };
}

/**
 * The request's metadata for its events. With tracing on it carries the request's W3C
 * `traceparent`, so the projector's and the sagas' spans for these events join the request's
 * trace (docs/operations.md, "Traces"); the event hash covers it like any other metadata.
 */
export const metadataFor = (
  request: Readonly<{ id: string; principalId?: string }>,
  now: Date,
): EventMetadata => withTraceparent({
  occurredAt: now.toISOString(),
  requestId: request.id,
  correlationId: request.id,
  ...(request.principalId ? { actorId: request.principalId } : {}),
});

/** `metadata` with the active span's traceparent, when tracing is on and a span is active. */
export function withTraceparent<M extends EventMetadata>(metadata: M): M {
  const traceparent = activeTraceparent();
  return traceparent ? { ...metadata, traceparent } : metadata;
}
