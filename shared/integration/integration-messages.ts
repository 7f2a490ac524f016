// Recorded events of the log to the integration messages they become, in log order: what the
// Kafka relay publishes and what the event-log feed hands its consumers, so both carry the
// same messages. The store decoded and upcast every payload on read, so the fast typed path
// of decode-stored-event.ts applies (it falls back to the full codec for an older version).
import type { BusMessage } from '../ports/bus.port';
import type { RecordedEvent } from '../ports/event-store.port';
import { decodeDomainEvent, type DomainEvent } from '../domain/event-codec';
import { userEventOf, walletEventOf } from '../domain/decode-stored-event';
import { userEventDefinitions } from '../domain/user/user.events';
import { walletEventDefinitions } from '../domain/wallet/wallet.events';
import { integrationMessageOf, type SourceEvent } from './topics';

const walletTypes: ReadonlySet<string> = new Set(walletEventDefinitions.map((d) => d.type));
const userTypes: ReadonlySet<string> = new Set(userEventDefinitions.map((d) => d.type));

function domainEventOf(recorded: RecordedEvent): DomainEvent {
  if (walletTypes.has(recorded.type)) return walletEventOf(recorded);
  if (userTypes.has(recorded.type)) return userEventOf(recorded);
  return decodeDomainEvent(recorded);
}

/** The decoded event with its id and the trace context of the command that wrote it. */
export function sourceEventOf(recorded: RecordedEvent): SourceEvent {
  const { traceparent } = recorded.metadata;
  return {
    eventId: recorded.eventId,
    event: domainEventOf(recorded),
    ...(traceparent ? { traceparent } : {}),
  };
}

/** The message of a recorded event, or null when its event does not go on the bus. */
export const integrationMessageOfRecorded = (recorded: RecordedEvent): BusMessage | null =>
  integrationMessageOf(sourceEventOf(recorded));

/** The messages of `events`, in their order; events that stay off the bus are left out. */
export function integrationMessagesOf(events: readonly RecordedEvent[]): BusMessage[] {
  return events.flatMap((recorded) => integrationMessageOfRecorded(recorded) ?? []);
}
