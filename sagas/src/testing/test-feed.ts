// Test support: an IntegrationFeed over the in-process bus, fed the integration messages of
// real events (integrationMessageOf, as the relay publishes them), so the notifications saga
// is tested on what it will really receive. It is not an event-log feed: a test says when to
// publish. Plan changes and fraud hints are not mapped by the relay yet; `messageOf` builds
// their messages as announced (topic plan-changed keyed by user id, fraud-suspected by wallet).
import { InProcessBus } from '../../../shared/adapters/bus/in-process.bus';
import { decodeDomainEvent, isUserEvent, isWalletEvent } from '../../../shared/domain/event-codec';
import { toWire } from '../../../shared/domain/event-definition';
import { integrationMessageOf, TOPICS } from '../../../shared/integration/topics';
import type { BusMessage, JsonValue } from '../../../shared/ports/bus.port';
import {
  comparePositions,
  START_POSITION,
  type EventStore,
  type Position,
} from '../../../shared/ports/event-store.port';
import type { IntegrationFeed } from '../../../shared/ports/integration-feed.port';
import { lastWrittenPosition } from '../../../shared/testing/last-written-position';
import type { Pool } from 'pg';
import type { Appended } from './notification-seed';

const READ_BATCH_MAX = 500;
const READS_MAX = 1_000;
const NOT_YET_READABLE_WAIT_MS = 10;

/** The message of an appended event, or null when it goes on no topic. */
export function messageOf({ eventId, event }: Appended): BusMessage | null {
  if (event.type === 'UserPlanChanged') {
    return { topic: TOPICS.planChanged, key: event.data.userId, eventId, type: event.type,
      payload: toWire(event.data) as Record<string, JsonValue>, headers: {} };
  }
  if (!isWalletEvent(event) && !isUserEvent(event)) return null;
  return integrationMessageOf({ eventId, event });
}

export function fraudSuspectedMessage(
  eventId: string,
  data: Readonly<{ walletId: string; hintId: string; rules: string[]; summary: string;
    detectedAt: string }>,
): BusMessage {
  return { topic: TOPICS.fraudSuspected, key: data.walletId, eventId, type: 'FraudSuspected',
    payload: data, headers: {} };
}

export type TestFeed = Readonly<{
  feed: IntegrationFeed;
  publish(messages: readonly BusMessage[]): Promise<void>;
  /** Publishes the messages of these appended events (again, if they were already). */
  publishAppended(appended: readonly Appended[]): Promise<BusMessage[]>;
  /** Publishes the messages of every event in the log not published by this call before. */
  publishLog(store: EventStore, pool: Pool): Promise<BusMessage[]>;
  close(): Promise<void>;
}>;

export function createTestFeed(): TestFeed {
  const bus = new InProcessBus({ retryDelayMs: 5, deliveryAttemptsMax: 3 });
  let after: Position = START_POSITION;
  const publishAppended = async (appended: readonly Appended[]) => {
    const messages = appended.map(messageOf).filter((m): m is BusMessage => m !== null);
    await bus.publish(messages);
    return messages;
  };
  return {
    feed: bus,
    publish: (messages) => bus.publish(messages),
    publishAppended,
    async publishLog(store, pool) {
      // readAll sees a commit only once no older transaction runs in the cluster: wait, bounded.
      const last = await lastWrittenPosition(pool);
      const appended: Appended[] = [];
      for (let read = 0; read < READS_MAX && comparePositions(after, last) < 0; read += 1) {
        const batch = await store.readAll({ after, limit: READ_BATCH_MAX });
        if (batch.length === 0) await new Promise((r) => setTimeout(r, NOT_YET_READABLE_WAIT_MS));
        for (const recorded of batch) {
          if (!recorded.streamId.startsWith('notification-')) {
            appended.push({ eventId: recorded.eventId, event: decodeDomainEvent(recorded) });
          }
          after = recorded.position;
        }
      }
      return publishAppended(appended);
    },
    close: () => bus.close(),
  };
}

/** Polls `condition` every few milliseconds, at most `timeoutMs`; true once it held. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}
