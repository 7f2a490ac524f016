// Builders for event store tests: unique stream ids (so tests sharing a store never meet)
// and minimal valid events. Amounts are decimal strings, as money is on every wire.
import { randomUUID } from 'node:crypto';
import type { NewEvent, StreamId } from '../ports/event-store.port';

export const aStreamId = (prefix = 'test'): StreamId => `${prefix}-${randomUUID()}`;

export function anEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'TestEventHappened',
    schemaVersion: 1,
    data: { amountMinor: '100', note: 'a test event' },
    metadata: { occurredAt: '2025-01-01T00:00:00.000Z', correlationId: randomUUID() },
    ...overrides,
  };
}

export const someEvents = (count: number): NewEvent[] =>
  Array.from({ length: count }, () => anEvent());
