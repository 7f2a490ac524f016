// The codec between stored events and domain events. On read: find the schema of
// (type, schemaVersion), validate, run the upcasters up to the latest version, validate
// again, and (typed decoders) turn digit strings into bigints. On write: the typed encoders
// turn a domain event into `{type, schemaVersion, data}` JSON, validated against the same
// schema a reader will use, so command handlers never build event JSON by hand.
// Invariants: unknown types, unknown versions and invalid data throw EventDecodeFailed (a
// bug or tampering, never a client error); only the latest version is ever encoded.
import type { z } from 'zod/v4';
import type { EventCodec } from '../ports/event-store.port';
import { InvariantViolation } from '../errors/assert';
import { fromWire, toWire, type AnyEventDefinition, type WireData } from './event-definition';
import {
  notificationEventDefinitions,
  type NotificationEvent,
} from './notification/notification.events';
import { topUpEventDefinitions, type TopUpEvent } from './topup/topup.events';
import { userEventDefinitions, type UserEvent } from './user/user.events';
import { walletEventDefinitions, type WalletEvent } from './wallet/wallet.events';

export type DomainEvent = WalletEvent | UserEvent | TopUpEvent | NotificationEvent;
export type EncodedEvent = Readonly<{ type: string; schemaVersion: number; data: WireData }>;
/** What a reader hands over: the stored type, version and JSON (e.g. a RecordedEvent). */
export type StoredEvent = Readonly<{ type: string; schemaVersion: number; data: unknown }>;

export class EventDecodeFailed extends InvariantViolation {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
    reason: string,
  ) {
    super(`cannot decode ${type} v${schemaVersion}: ${reason}`);
  }
}

function parseOrFail(schema: z.ZodType, event: StoredEvent, data: unknown): WireData {
  const result = schema.safeParse(data);
  if (!result.success) {
    const reason = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new EventDecodeFailed(event.type, event.schemaVersion, reason);
  }
  return result.data as WireData; // Every event schema is an object schema.
}

/** Builds a codec over a set of definitions; each type may be defined once. */
export function createEventCodec(definitions: readonly AnyEventDefinition[]): EventCodec {
  const byType = new Map(definitions.map((definition) => [definition.type, definition]));
  if (byType.size !== definitions.length) {
    throw new InvariantViolation('two event definitions share a type');
  }
  return {
    decode(type, schemaVersion, data) {
      const event: StoredEvent = { type, schemaVersion, data };
      const definition = byType.get(type);
      if (definition === undefined) {
        throw new EventDecodeFailed(type, schemaVersion, 'unknown type');
      }
      const known = Number.isInteger(schemaVersion) && schemaVersion >= 1;
      if (!known || schemaVersion > definition.schemaVersion) {
        throw new EventDecodeFailed(type, schemaVersion, 'unknown schema version');
      }
      // Bounded by the definition's history: one step per superseded version.
      let current: unknown = data;
      for (const step of definition.history.slice(schemaVersion - 1)) {
        current = step.upcast(parseOrFail(step.schema, event, current));
      }
      const latest = parseOrFail(definition.schema, event, current);
      return { schemaVersion: definition.schemaVersion, data: latest };
    },
  };
}

const ALL_DEFINITIONS: readonly AnyEventDefinition[] = [
  ...walletEventDefinitions,
  ...userEventDefinitions,
  ...topUpEventDefinitions,
  ...notificationEventDefinitions,
];

/** The codec of every domain event, for the event store adapters. */
export const domainEventCodec: EventCodec = createEventCodec(ALL_DEFINITIONS);

const definitionByType = new Map(
  ALL_DEFINITIONS.map((definition) => [definition.type, definition]),
);

/** A domain event to the JSON that is appended (latest schema version, validated). */
export function encodeDomainEvent(event: DomainEvent): EncodedEvent {
  const definition = definitionByType.get(event.type);
  if (definition === undefined) throw new InvariantViolation(`no definition for ${event.type}`);
  const stored = { type: event.type, schemaVersion: definition.schemaVersion, data: event.data };
  // Validate on write with the schema a reader will use (paired with the read path).
  const data = parseOrFail(definition.schema, stored, toWire(event.data));
  return { type: event.type, schemaVersion: definition.schemaVersion, data };
}

/** Stored JSON (any version) to a typed domain event with bigint money. */
export function decodeDomainEvent(stored: StoredEvent): DomainEvent {
  const latest = domainEventCodec.decode(stored.type, stored.schemaVersion, stored.data);
  // The schema registered under `stored.type` validated `latest.data`, so the pair matches.
  return { type: stored.type, data: fromWire(latest.data) } as DomainEvent;
}

const walletEventTypes: ReadonlySet<string> = new Set(walletEventDefinitions.map((d) => d.type));
const userEventTypes: ReadonlySet<string> = new Set(userEventDefinitions.map((d) => d.type));
const topUpEventTypes: ReadonlySet<string> = new Set(topUpEventDefinitions.map((d) => d.type));

export const isWalletEvent = (event: DomainEvent): event is WalletEvent =>
  walletEventTypes.has(event.type);
export const isUserEvent = (event: DomainEvent): event is UserEvent =>
  userEventTypes.has(event.type);

export const isTopUpEvent = (event: DomainEvent): event is TopUpEvent =>
  topUpEventTypes.has(event.type);

const notificationEventTypes: ReadonlySet<string> = new Set(
  notificationEventDefinitions.map((d) => d.type),
);
export const isNotificationEvent = (event: DomainEvent): event is NotificationEvent =>
  notificationEventTypes.has(event.type);

export const encodeWalletEvent = (event: WalletEvent): EncodedEvent => encodeDomainEvent(event);
export const encodeUserEvent = (event: UserEvent): EncodedEvent => encodeDomainEvent(event);
export const encodeTopUpEvent = (event: TopUpEvent): EncodedEvent => encodeDomainEvent(event);

export function decodeWalletEvent(stored: StoredEvent): WalletEvent {
  const event = decodeDomainEvent(stored);
  if (!isWalletEvent(event)) {
    throw new EventDecodeFailed(stored.type, stored.schemaVersion, 'not a wallet event');
  }
  return event;
}

export function decodeUserEvent(stored: StoredEvent): UserEvent {
  const event = decodeDomainEvent(stored);
  if (!isUserEvent(event)) {
    throw new EventDecodeFailed(stored.type, stored.schemaVersion, 'not a user event');
  }
  return event;
}

export function decodeTopUpEvent(stored: StoredEvent): TopUpEvent {
  const event = decodeDomainEvent(stored);
  if (!isTopUpEvent(event)) {
    throw new EventDecodeFailed(stored.type, stored.schemaVersion, 'not a top-up event');
  }
  return event;
}
