// Which integration topic a domain event goes to, and the message it becomes. Pure: no I/O,
// no clock.
// Rules: the key is the wallet id for wallet events (so a wallet's messages keep their order)
// and the user id for user events; money travels as decimal strings of minor units (the
// `...Minor` fields, as in the event log); payments (a customer paying a merchant, and card
// top-ups) go to the payment topics, every other movement to the transaction topics; a plan
// change goes to `plan-changed`. Other events stay off the bus (null).
import type { BusMessage, JsonValue } from '../ports/bus.port';
import { toWire } from '../domain/event-definition';
import type { DomainEvent } from '../domain/event-codec';
import type { MovementKind } from '../domain/wallet/wallet.events';

export const TOPICS = {
  transactionCreated: 'transaction-created',
  transactionSuccess: 'transaction-success',
  transactionFailed: 'transaction-failed',
  paymentSuccess: 'payment-success',
  paymentFailed: 'payment-failed',
  planChanged: 'plan-changed',
  fraudSuspected: 'fraud-suspected',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

/**
 * The event types each topic may carry: topicOf chooses among them (by movement kind for
 * movements), and a unit test holds the two together. Consumers and the AsyncAPI document
 * (docs/asyncapi.yaml) read it.
 */
export const TOPIC_EVENT_TYPES: Readonly<Record<Topic, readonly DomainEvent['type'][]>> = {
  [TOPICS.transactionCreated]: ['HoldPlaced'],
  [TOPICS.transactionSuccess]: ['WalletDebited', 'WalletCredited'],
  [TOPICS.transactionFailed]: ['TransferRejected'],
  [TOPICS.paymentSuccess]: ['WalletDebited', 'WalletCredited'],
  [TOPICS.paymentFailed]: ['TransferRejected'],
  [TOPICS.planChanged]: ['UserPlanChanged'],
  [TOPICS.fraudSuspected]: ['FraudSuspected'],
};

/** The event types of `topics`, each once: what a follower of those topics reads. */
export function eventTypesOf(topics: readonly string[]): string[] {
  const types = topics.flatMap((topic) => TOPIC_EVENT_TYPES[topic as Topic] ?? []);
  return [...new Set(types)];
}

/** Every event type that goes on the bus. */
export const INTEGRATION_EVENT_TYPES: readonly string[] = eventTypesOf(ALL_TOPICS);

const PAYMENT_KINDS: ReadonlySet<MovementKind> = new Set<MovementKind>(['payment', 'top_up']);
const isPayment = (kind: MovementKind) => PAYMENT_KINDS.has(kind);

/** The decoded event and what the relay knows about it from the log. */
export type SourceEvent = Readonly<{
  eventId: string;
  event: DomainEvent;
  /** W3C trace context of the command that wrote the event, if any. */
  traceparent?: string;
}>;

/** The topic of an event, or null when it does not go on the bus. */
export function topicOf(event: DomainEvent): Topic | null {
  switch (event.type) {
    case 'WalletDebited':
    case 'WalletCredited':
      return isPayment(event.data.movementKind) ? TOPICS.paymentSuccess : TOPICS.transactionSuccess;
    case 'TransferRejected':
      return isPayment(event.data.movementKind) ? TOPICS.paymentFailed : TOPICS.transactionFailed;
    // A hold opens a two-phase transaction; its capture's debit and credit close it.
    case 'HoldPlaced':
      return TOPICS.transactionCreated;
    case 'UserPlanChanged':
      return TOPICS.planChanged;
    case 'FraudSuspected':
      return TOPICS.fraudSuspected;
    default:
      return null;
  }
}

/** The partition key: the wallet of a wallet event, else the user of a user event. */
function keyOf(event: DomainEvent): string | null {
  if ('walletId' in event.data) return event.data.walletId;
  if ('userId' in event.data) return event.data.userId;
  return null;
}

/** The integration message of an event, or null when it does not go on the bus. */
export function integrationMessageOf(source: SourceEvent): BusMessage | null {
  const { event } = source;
  const topic = topicOf(event);
  const key = keyOf(event);
  // Every event with a topic names its wallet or its user.
  if (topic === null || key === null) return null;
  const headers: Record<string, string> = {};
  if (source.traceparent) headers.traceparent = source.traceparent;
  return {
    topic,
    key,
    eventId: source.eventId,
    type: event.type,
    // toWire turns every `...Minor` bigint into its digits and drops absent fields.
    payload: toWire(event.data) as Record<string, JsonValue>,
    headers,
  };
}
