// The integration feed without a broker: each consumer group follows the event log itself,
// as the subscriber `feed-<group>` of the shared subscription runner (shared/subscriptions),
// with its own checkpoint, so the embedded default loses nothing across a crash. Events
// become the same messages the Kafka relay would publish (integration-messages.ts), and those
// of the requested topics are handed to the handler in per-key order: a batch is split into
// FEED_LANES lanes by key (as Kafka splits a topic into partitions), each lane one message at
// a time in log order, the lanes side by side, so one slow e-mail does not hold up every
// other wallet's. The checkpoint moves once every lane resolved ('before-checkpoint'). A
// handler that throws stops its lane and moves nothing: the runner backs off and hands the
// batch again, and the messages this process already handled in it are not handed twice (it
// remembers them until the batch commits), so the failing message comes next in its lane;
// nothing is ever skipped. A crash, or a stop in the middle of a batch, hands that batch's
// handled messages again after a restart: at least once, handlers dedupe by eventId.
import type { BusHandler, BusSubscription } from '../ports/bus.port';
import type { IntegrationFeed } from '../ports/integration-feed.port';
import { encodePosition, type RecordedEvent } from '../ports/event-store.port';
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
/**
 * Keys handled side by side. The notifications consumer spends most of a message waiting on
 * SMTP and the event store; with one lane a slow send held up every wallet's mail. Under the
 * benchmark's full transfer load it still falls behind (docs/operations.md, "Benchmarks").
 */
export const FEED_LANES = 8;

export type EventLogFeedDeps = Omit<SubscriptionDeps, 'batchSizeMax'> &
  Readonly<{ batchSizeMax?: number; lanes?: number }>;

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
        feedSubscriber(group, topics, handler, stopping, deps.lanes ?? FEED_LANES),
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
  lanes = FEED_LANES,
): EffectSubscriber {
  const wanted: ReadonlySet<string> = new Set(topics);
  // Positions handled in an earlier attempt at the batch in hand, which failed elsewhere.
  let handled = new Set<string>();
  const handleLane = async (events: readonly RecordedEvent[]) => {
    for (const event of events) {
      const position = encodePosition(event.position);
      if (handled.has(position)) continue;
      const message = integrationMessageOfRecorded(event);
      if (message && wanted.has(message.topic)) {
        // Thrown, the batch rolls back and the runner, stopped, does not retry it.
        if (stopping.now) throw new FeedStopping();
        await handler(message);
      }
      handled.add(position);
    }
  };
  return {
    name: feedSubscriberName(group),
    eventTypes: eventTypesOf(topics),
    delivery: 'before-checkpoint',
    handle: async (events) => {
      const outcomes = await Promise.allSettled(byLane(events, lanes).map(handleLane));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      // The batch is done (its checkpoint commits next): forget it.
      handled = new Set();
    },
  };
}

/** The events split into `lanes` lists by message key (wallet or user), each in log order. */
function byLane(events: readonly RecordedEvent[], lanes: number): RecordedEvent[][] {
  const split: RecordedEvent[][] = Array.from({ length: lanes }, () => []);
  for (const event of events) split[laneOf(keyOf(event), lanes)]!.push(event);
  return split.filter((lane) => lane.length > 0);
}

/** The stream names the key's aggregate (`wallet-<id>`, `user-<id>`): one stream, one lane. */
const keyOf = (event: RecordedEvent): string => event.streamId;

function laneOf(key: string, lanes: number): number {
  let hash = 0;
  for (let index = 0; index < key.length; index += 1) {
    hash = (hash * 31 + key.charCodeAt(index)) | 0;
  }
  return Math.abs(hash) % lanes;
}
