// The message bus port: integration messages for other systems, published by the Kafka relay.
// Kernel: depends on nothing. Delivery is at-least-once, so every consumer dedupes
// by eventId; order holds per key (the wallet id), never across keys.

/** A JSON-safe value: money travels as decimal strings, never as numbers or bigints. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type BusMessage = Readonly<{
  topic: string;
  /** Partitioning key: per-key order holds (the wallet id for money events). */
  key: string;
  /** The source event's id: the consumers' dedupe key. */
  eventId: string;
  /** The source event's type, e.g. `WalletDebited`. */
  type: string;
  payload: Readonly<Record<string, JsonValue>>;
  /** Transport headers, e.g. `traceparent`. */
  headers: Readonly<Record<string, string>>;
}>;

export type BusHandler = (message: BusMessage) => Promise<void>;

export interface BusSubscription {
  /** Stops delivering; resolves once no handler of this subscription is running. */
  stop(): Promise<void>;
}

export interface Bus {
  /**
   * Resolves only once the broker acknowledged every message (so the caller may checkpoint
   * after); rejects if any was not, and the caller republishes from its last checkpoint.
   */
  publish(messages: readonly BusMessage[]): Promise<void>;
  /**
   * Every consumer group gets every message at least once; within a group, a message is
   * handled by one member. A message counts as consumed only after its handler resolved: a
   * handler that throws gets the message again.
   */
  subscribe(
    group: string,
    topics: readonly string[],
    handler: BusHandler,
  ): Promise<BusSubscription>;
  /** Releases connections; subscriptions stop. */
  close(): Promise<void>;
}
