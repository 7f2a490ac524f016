// Which integration topic a domain event goes to, and the message it becomes. Pure: no I/O,
// no clock.
// Rules: the key is the wallet id, so a wallet's messages keep their order; money travels as
// decimal strings of minor units (the `...Minor` fields, as in the event log); payments (a
// customer paying a merchant, and card top-ups) go to the payment topics, every other
// movement to the transaction topics. Events that move no money, and user events, stay off
// the bus (null).
import type { BusMessage, JsonValue } from '../ports/bus.port';
import { toWire } from '../domain/event-definition';
import type { MovementKind, WalletEvent } from '../domain/wallet/wallet.events';
import type { UserEvent } from '../domain/user/user.events';

export const TOPICS = {
  transactionCreated: 'transaction-created',
  transactionSuccess: 'transaction-success',
  transactionFailed: 'transaction-failed',
  paymentSuccess: 'payment-success',
  paymentFailed: 'payment-failed',
  // Named for their consumers (the notifications saga); which events go there is the relay's
  // mapping below: plan changes keyed by user id, fraud hints by wallet id.
  planChanged: 'plan-changed',
  fraudSuspected: 'fraud-suspected',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

const PAYMENT_KINDS: ReadonlySet<MovementKind> = new Set<MovementKind>(['payment', 'top_up']);
const isPayment = (kind: MovementKind) => PAYMENT_KINDS.has(kind);

/** The decoded event and what the relay knows about it from the log. */
export type SourceEvent = Readonly<{
  eventId: string;
  event: WalletEvent | UserEvent;
  /** W3C trace context of the command that wrote the event, if any. */
  traceparent?: string;
}>;

/** The topic of an event, or null when it does not go on the bus. */
export function topicOf(event: WalletEvent | UserEvent): Topic | null {
  switch (event.type) {
    case 'WalletDebited':
    case 'WalletCredited':
      return isPayment(event.data.movementKind) ? TOPICS.paymentSuccess : TOPICS.transactionSuccess;
    case 'TransferRejected':
      return isPayment(event.data.movementKind) ? TOPICS.paymentFailed : TOPICS.transactionFailed;
    // A hold opens a two-phase transaction; its capture's debit and credit close it.
    case 'HoldPlaced':
      return TOPICS.transactionCreated;
    default:
      return null;
  }
}

/** The integration message of an event, or null when it does not go on the bus. */
export function integrationMessageOf(source: SourceEvent): BusMessage | null {
  const { event } = source;
  const topic = topicOf(event);
  // Every event with a topic is a wallet event, which names its wallet.
  if (topic === null || !('walletId' in event.data)) return null;
  const headers: Record<string, string> = {};
  if (source.traceparent) headers.traceparent = source.traceparent;
  return {
    topic,
    key: event.data.walletId,
    eventId: source.eventId,
    type: event.type,
    // toWire turns every `...Minor` bigint into its digits and drops absent fields.
    payload: toWire(event.data) as Record<string, JsonValue>,
    headers,
  };
}
