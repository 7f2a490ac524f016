// Goal: the Kafka relay against real Postgres, over the in-process bus standing in for the
// broker (no broker can run on these machines). It publishes every money and plan event of
// the log once, one publish per batch, with its trace context; its checkpoint moves only
// after the bus acknowledged; and a bus that fails N times loses nothing and skips nothing,
// keeps each wallet's order, and duplicates only what a failed publish had already
// delivered, which a consumer deduping by event id (dedupe-by-event-id.ts) handles once.
import { InProcessBus } from '../../../shared/adapters/bus/in-process.bus';
import { dedupeByEventId } from '../../../shared/adapters/bus/dedupe-by-event-id';
import type { Bus, BusMessage } from '../../../shared/ports/bus.port';
import { comparePositions, START_POSITION } from '../../../shared/ports/event-store.port';
import { ALL_TOPICS, integrationMessageOf, type SourceEvent } from '../../../shared/integration/topics';
import { readCheckpoint } from '../../../shared/subscriptions/checkpoint.store';
import { stepSubscription } from '../../../shared/subscriptions/subscription-step';
import { lastWrittenPosition } from '../../../shared/testing/last-written-position';
import {
  aHoldPlaced, aMovement, aPlanChanged, appendSources, aRejection, aSource, aWalletFrozen,
  aWalletId, TRACEPARENT,
} from '../../../shared/testing/integration-events';
import { sleep, waitUntil } from '../../../shared/testing/wait-until';
import { openSagaDatabase } from '../testing/saga-database';
import { KAFKA_RELAY_SUBSCRIBER, kafkaRelaySubscriber } from './kafka-relay.subscriber';
import { startKafkaRelay } from './kafka-relay.process';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
beforeEach(async () => {
  db = await openSagaDatabase();
});
afterEach(() => db.close());

const STEPS_MAX = 1_000;
const eventually = (check: () => boolean, what: string) => waitUntil(what, check);

/** A bus that records each publish call (its messages) before handing it on. */
function recordingBus(inner: Bus = new InProcessBus()) {
  const calls: BusMessage[][] = [];
  const bus: Pick<Bus, 'publish'> = {
    publish: async (messages) => {
      calls.push([...messages]);
      await inner.publish(messages);
    },
  };
  return { bus, calls };
}

const idsOf = (messages: readonly BusMessage[]) => messages.map((message) => message.eventId);
const onBus = (sources: readonly SourceEvent[]) =>
  sources.filter((source) => integrationMessageOf(source) !== null);
const counter = async (name: string) =>
  (await db.metrics.registry.getSingleMetric(name)!.get()).values;

test('publishes every money and plan event once, one publish per batch, traced', async () => {
  const [alice, bob] = [aWalletId('alice'), aWalletId('bob')];
  const sources = [
    aSource(aMovement('WalletDebited', 'transfer', alice)),
    aSource(aMovement('WalletCredited', 'transfer', bob)),
    aSource(aWalletFrozen(bob)),
    aSource(aRejection('payment', alice)),
    aSource(aHoldPlaced(bob)),
    aSource(aMovement('WalletCredited', 'top_up', alice)),
    aSource(aPlanChanged()),
  ];
  await appendSources(db.store, sources.slice(0, 3));
  await appendSources(db.store, sources.slice(3));
  const { bus, calls } = recordingBus();
  const subscriber = kafkaRelaySubscriber({ bus, metrics: db.metrics });
  const last = await lastWrittenPosition(db.pool);
  let handedSteps = 0;
  for (let attempt = 0; attempt < STEPS_MAX; attempt += 1) {
    const step = await stepSubscription({ ...db, batchSizeMax: 500 }, subscriber);
    if (step.handled > 0) handedSteps += 1;
    if (comparePositions(step.position, last) >= 0) break;
    if (step.read === 0) await sleep(10); // not readable yet: an older transaction runs
  }
  expect(calls).toHaveLength(handedSteps);
  const published = calls.flat();
  // In log order (an append lays out its streams one after the other).
  const logOrder = (await db.store.readAll({ after: START_POSITION, limit: 100 }))
    .map((event) => event.eventId);
  const expected = onBus(sources)
    .sort((a, b) => logOrder.indexOf(a.eventId) - logOrder.indexOf(b.eventId));
  expect(published).toEqual(expected.map((source) => integrationMessageOf(source)));
  expect(published.every((message) => message.headers.traceparent === TRACEPARENT)).toBe(true);
  const values = await counter('tng_relay_published_total');
  const count = (topic: string) => values.find((v) => v.labels.topic === topic)?.value;
  expect(count('transaction-success')).toBe(2);
  expect(count('payment-success')).toBe(1);
  expect(count('payment-failed')).toBe(1);
  expect(count('plan-changed')).toBe(1);
  expect(values.map((v) => v.labels.topic).sort()).toEqual([...ALL_TOPICS].sort());
});

test('the checkpoint moves only after the bus acknowledged the batch', async () => {
  await appendSources(db.store, [aSource(aMovement('WalletDebited', 'payment', aWalletId()))]);
  let acknowledge: () => void = () => {};
  let refuse: (error: Error) => void = () => {};
  let publishes = 0;
  const bus: Pick<Bus, 'publish'> = {
    publish: () => new Promise<void>((resolve, reject) => {
      publishes += 1;
      acknowledge = resolve;
      refuse = reject;
    }),
  };
  const subscriber = kafkaRelaySubscriber({ bus, metrics: db.metrics });
  const step = () => stepSubscription({ ...db, batchSizeMax: 500 }, subscriber);

  const refused = step();
  await eventually(() => publishes === 1, 'the first publish');
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).toBeNull();
  refuse(new Error('broker unreachable'));
  await expect(refused).rejects.toThrow('broker unreachable');
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).toBeNull();
  expect((await counter('tng_relay_publish_failures_total'))[0]!.value).toBe(1);

  const acknowledged = step();
  await eventually(() => publishes === 2, 'the second publish');
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).toBeNull();
  acknowledge();
  const done = await acknowledged;
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).toEqual(done.position);
  expect(done.handled).toBe(1);
});

/**
 * A bus whose first `failuresMax` publishes fail, alternately before reaching the broker and
 * after (the broker stored the batch but the ack was lost): what a flaky network does.
 */
function flakyBus(inner: Bus, failuresMax: number) {
  let failures = 0;
  const deliveredByFailedPublish = new Set<string>();
  const bus: Pick<Bus, 'publish'> = {
    publish: async (messages) => {
      if (failures >= failuresMax) return inner.publish(messages);
      failures += 1;
      if (failures % 2 === 0) {
        await inner.publish(messages);
        for (const message of messages) deliveredByFailedPublish.add(message.eventId);
      }
      throw new Error(`publish failure ${failures}`);
    },
  };
  return { bus, deliveredByFailedPublish, failures: () => failures };
}

test('a bus failing N times: nothing lost or skipped, per-key order, duplicates deduped', async () => {
  const inner = new InProcessBus();
  const delivered: BusMessage[] = [];
  const handled: BusMessage[] = [];
  const topics = [...ALL_TOPICS];
  const raw = await inner.subscribe('witness', topics, async (m) => { delivered.push(m); });
  const deduped = await inner.subscribe('consumer', topics, dedupeByEventId(async (m) => {
    handled.push(m);
  }));
  const flaky = flakyBus(inner, 4);
  const relay = startKafkaRelay({ ...db, bus: flaky.bus, batchSizeMax: 7 });
  const wallets = [aWalletId('a'), aWalletId('b'), aWalletId('c')];
  const sources: SourceEvent[] = [];
  try {
    for (let round = 0; round < 8; round += 1) {
      const batch = wallets.map((wallet, i) => aSource(aMovement(
        round % 2 === 0 ? 'WalletDebited' : 'WalletCredited', i === 0 ? 'payment' : 'transfer',
        wallet, BigInt(round * 10 + i + 1))));
      sources.push(...batch);
      await appendSources(db.store, batch);
    }
    await eventually(() => handled.length === sources.length, 'every event, deduped');
  } finally {
    await relay.stop();
    await raw.stop();
    await deduped.stop();
  }
  expect(flaky.failures()).toBe(4);
  expect((await counter('tng_relay_publish_failures_total'))[0]!.value).toBe(4);
  // Nothing lost, nothing skipped, nothing handled twice.
  expect(idsOf(handled).sort()).toEqual(sources.map((source) => source.eventId).sort());
  for (const wallet of wallets) {
    const ofWallet = (messages: readonly BusMessage[]) =>
      idsOf(messages.filter((message) => message.key === wallet));
    const appended = sources.filter((source) => integrationMessageOf(source)!.key === wallet);
    expect(ofWallet(handled)).toEqual(appended.map((source) => source.eventId));
  }
  // Duplicates come only from a publish that reached the bus and then failed.
  const seen = new Set<string>();
  const duplicates = idsOf(delivered).filter((id) => seen.has(id) || !seen.add(id));
  expect(duplicates.length).toBeGreaterThan(0);
  expect(duplicates.every((id) => flaky.deliveredByFailedPublish.has(id))).toBe(true);
  expect(delivered.length).toBe(sources.length + duplicates.length);
});
