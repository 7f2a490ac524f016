// Goal: the integration feed over the event log (real Postgres) passes the IntegrationFeed
// contract: consumers get the messages of their topics in per-key order, each group all of
// them, a failing handler the same message again, and a restarted group resumes after its
// checkpoint. Also: a group's checkpoint is `feed-<group>`, and it reports its progress.
import { PostgresEventStore } from '../adapters/event-store/postgres.event-store';
import { PG_TYPES } from '../adapters/postgres/pg-types';
import { domainEventCodec } from '../domain/event-codec';
import type { BusMessage } from '../ports/bus.port';
import { readCheckpoint } from '../subscriptions/checkpoint.store';
import {
  FEED_GROUPS, feedSubscriberName, SAGA_SUBSCRIBER_NAMES,
} from '../subscriptions/subscriber-names';
import type { SubscriptionProgress } from '../subscriptions/subscription-runner';
import { integrationFeedContract } from '../testing/contracts/integration-feed.contract';
import { createFreshDatabase, type FreshDatabase } from '../testing/fresh-database';
import {
  aMovement, appendSources, aSource, aWalletId,
} from '../testing/integration-events';
import { createTestPool } from '../testing/test-pool';
import { waitUntil } from '../testing/wait-until';
import { createLogger } from '../telemetry/logger';
import { eventLogFeed } from './event-log.feed';
import { TOPICS } from './topics';

let db: FreshDatabase;
beforeAll(async () => {
  db = await createFreshDatabase();
});
afterAll(() => db.drop());

type FeedOptions = Readonly<{
  onProgress?: (progress: SubscriptionProgress) => void;
  batchSizeMax?: number;
}>;

async function openFeed(options: FeedOptions = {}) {
  const pool = createTestPool({ connectionString: db.url, max: 8, types: PG_TYPES });
  const store = new PostgresEventStore({ connection: { pool }, codec: domainEventCodec });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const feed = eventLogFeed({ pool, store, logger, pollMs: 100, ...options });
  return {
    pool,
    store,
    feed,
    stop: async () => {
      await store.close();
      await pool.end();
    },
  };
}

integrationFeedContract('event log', async () => {
  const opened = await openFeed();
  return {
    feed: opened.feed,
    emit: async (sources) => {
      await appendSources(opened.store, sources);
    },
    stop: opened.stop,
  };
});

describe('event-log feed', () => {
  test('checkpoints as feed-<group> and reports its progress', async () => {
    const progress: SubscriptionProgress[] = [];
    const opened = await openFeed({ onProgress: (step) => progress.push(step) });
    const wallet = aWalletId();
    const received: BusMessage[] = [];
    try {
      const subscription = await opened.feed.subscribe('checkpointed', [TOPICS.transactionSuccess],
        async (message) => {
          if (message.key === wallet) received.push(message);
        });
      await appendSources(opened.store, [aSource(aMovement('WalletDebited', 'transfer', wallet))]);
      await waitUntil('the message', () => received.length > 0);
      await subscription.stop();
      const checkpoint = await readCheckpoint(opened.pool, 'feed-checkpointed');
      expect(received).toHaveLength(1);
      expect(checkpoint).not.toBeNull();
      expect(progress.some((step) => step.name === 'feed-checkpointed' && step.handled > 0))
        .toBe(true);
    } finally {
      await opened.stop();
    }
  });

  test('a stop mid-batch hands nothing more, and a restart loses nothing', async () => {
    // One batch holds the whole log of this file, so both messages are in it.
    const opened = await openFeed({ batchSizeMax: 10_000 });
    const wallet = aWalletId();
    const sources = [aSource(aMovement('WalletDebited', 'transfer', wallet)),
      aSource(aMovement('WalletCredited', 'transfer', wallet))];
    const topics = [TOPICS.transactionSuccess];
    const firstRun: string[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => { release = resolve; });
    try {
      const first = await opened.feed.subscribe('stopped', topics, async (message) => {
        if (message.key !== wallet) return;
        firstRun.push(message.eventId);
        await blocked; // the first message's handler is still running when stop is called
      });
      await appendSources(opened.store, sources);
      await waitUntil('the first message', () => firstRun.length === 1);
      const stopped = first.stop();
      release();
      await stopped;
      expect(firstRun).toEqual([sources[0]!.eventId]);
      const secondRun: string[] = [];
      const second = await opened.feed.subscribe('stopped', topics, async (message) => {
        if (message.key === wallet) secondRun.push(message.eventId);
      });
      await waitUntil('both messages', () => secondRun.includes(sources[1]!.eventId));
      await second.stop();
      // At least once: the batch did not commit, so its handled message comes again.
      expect(secondRun).toEqual(sources.map((source) => source.eventId));
    } finally {
      await opened.stop();
    }
  });

  test('the known groups have bounded metric labels', () => {
    for (const group of FEED_GROUPS) {
      expect(SAGA_SUBSCRIBER_NAMES).toContain(feedSubscriberName(group));
    }
  });
});
