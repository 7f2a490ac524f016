// The integration feed without a broker: each consumer group follows the event log itself,
// as the subscriber `feed-<group>` of the shared subscription runner (shared/subscriptions),
// with its own checkpoint, so the embedded default loses nothing across a crash. Events
// become the same messages the Kafka relay would publish (integration-messages.ts), those of
// the requested topics are handed to the handler one at a time in log order, and the
// checkpoint moves once the handler resolved for the whole batch ('before-checkpoint'). A
// handler that throws moves nothing: the runner backs off and hands the batch again, and
// the messages this process already handled in it are not handed twice (it remembers the
// last position handled), so the failing message comes next; nothing is ever skipped. A
// crash, or a stop in the middle of a batch, hands that batch's handled messages again after
// a restart: at least once, handlers dedupe by eventId.
import type { BusHandler, BusSubscription } from '../ports/bus.port';
import type { IntegrationFeed } from '../ports/integration-feed.port';
import { comparePositions, type Position } from '../ports/event-store.port';
import type { EffectSubscriber } from '../subscriptions/subscriber';
import { feedSubscriberName } from '../subscriptions/subscriber-names';
import {
  startSubscription,
  type SubscriptionDeps,
} from '../subscriptions/subscription-runner';
import { integrationMessageOfRecorded } from './integration-messages';
import { eventTypesOf } from './topics';

/**
 * Events read per step. A step's transaction stays open while the handler runs, and a stop
 * mid-batch repeats the batch's handled messages, so batches stay small.
 */
export const FEED_BATCH_SIZE_MAX = 100;

export type EventLogFeedDeps = Omit<SubscriptionDeps, 'batchSizeMax'> &
  Readonly<{ batchSizeMax?: number }>;

class FeedStopping extends Error {
  constructor() {
    super('the feed subscription is stopping');
  }
}

export function eventLogFeed(deps: EventLogFeedDeps): IntegrationFeed {
  return {
    subscribe: async (group, topics, handler): Promise<BusSubscription> => {
      const stopping = { now: false };
      const subscription = startSubscription(
        { ...deps, batchSizeMax: deps.batchSizeMax ?? FEED_BATCH_SIZE_MAX },
        feedSubscriber(group, topics, handler, stopping),
      );
      return {
        stop: async () => {
          stopping.now = true;
          await subscription.stop();
        },
      };
    },
  };
}

/** The subscriber of one group; exported for tests that step it by hand. */
export function feedSubscriber(
  group: string,
  topics: readonly string[],
  handler: BusHandler,
  stopping: Readonly<{ now: boolean }> = { now: false },
): EffectSubscriber {
  const wanted: ReadonlySet<string> = new Set(topics);
  let handledThrough: Position | null = null;
  return {
    name: feedSubscriberName(group),
    eventTypes: eventTypesOf(topics),
    delivery: 'before-checkpoint',
    handle: async (events) => {
      for (const event of events) {
        // Handled in an earlier attempt at this batch, which failed on a later message.
        if (handledThrough && comparePositions(event.position, handledThrough) <= 0) continue;
        const message = integrationMessageOfRecorded(event);
        if (message && wanted.has(message.topic)) {
          // Thrown, the batch rolls back and the runner, stopped, does not retry it.
          if (stopping.now) throw new FeedStopping();
          await handler(message);
        }
        handledThrough = event.position;
      }
    },
  };
}
