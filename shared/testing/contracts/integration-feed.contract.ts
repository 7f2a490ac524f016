// The IntegrationFeed contract: what our own consumers (notifications, fraud hints) may rely
// on, whether the feed is the bus (Kafka consumer groups) or the event log. Run by
// shared/integration/event-log.feed.int.test.ts, shared/adapters/bus/bus.feed.unit.test.ts
// (over the in-process bus) and kafka.feed.int.test.ts; never run alone.
// The harness turns domain events into what its feed reads: appended to the log, or
// published as the relay would. Every test uses fresh wallets and groups, so old messages
// on a shared log or broker are ignored (a new group reads from the beginning).
import { randomUUID } from 'node:crypto';
import type { BusMessage } from '../../ports/bus.port';
import type { IntegrationFeed } from '../../ports/integration-feed.port';
import type { WalletId } from '../../domain/ids';
import { integrationMessageOf, TOPICS, type SourceEvent } from '../../integration/topics';
import {
  aHoldPlaced, aMovement, aPlanChanged, aRejection, aSource, aWalletFrozen, aWalletId,
} from '../integration-events';
import { sleep, waitUntil } from '../wait-until';

export type FeedHarness = Readonly<{
  feed: IntegrationFeed;
  /** Makes the feed's source hold these events as one write, in this order per key. */
  emit(sources: readonly SourceEvent[]): Promise<void>;
  stop(): Promise<void>;
}>;
export type StartFeed = () => Promise<FeedHarness>;

const eventually = (check: () => boolean, what: string) => waitUntil(what, check);

const aGroup = (label: string) => `contract-${label}-${randomUUID().slice(0, 8)}`;
const idsOf = (messages: readonly BusMessage[]) => messages.map((message) => message.eventId);
const messageOf = (source: SourceEvent): BusMessage => integrationMessageOf(source)!;

/** Two wallets' movements, interleaved, in `rounds` writes; and what the feed must deliver. */
function transfersBetween(wallets: readonly WalletId[], rounds: number): SourceEvent[][] {
  return Array.from({ length: rounds }, (_, round) => wallets.map((wallet, i) =>
    aSource(aMovement(round % 2 === 0 ? 'WalletDebited' : 'WalletCredited',
      i === 0 ? 'payment' : 'transfer', wallet, BigInt(round + 1)))));
}

export function integrationFeedContract(adapterName: string, start: StartFeed): void {
  describe(`IntegrationFeed contract: ${adapterName}`, () => {
    let subject: FeedHarness;
    const stops: Array<() => Promise<void>> = [];
    /** Subscribes, keeping only the messages of `keys` (the test's own wallets and users). */
    const collect = async (group: string, topics: readonly string[], keys: readonly string[]) => {
      const received: BusMessage[] = [];
      const subscription = await subject.feed.subscribe(group, topics, async (message) => {
        if (keys.includes(message.key)) received.push(message);
      });
      stops.push(() => subscription.stop());
      return { received, stop: () => subscription.stop() };
    };

    beforeEach(async () => {
      subject = await start();
    });
    afterEach(async () => {
      for (const stop of stops.splice(0)) await stop().catch(() => {});
      await subject.stop();
    });

    test('messages of the requested topics arrive whole, in per-key order', async () => {
      const wallets = [aWalletId('a'), aWalletId('b')];
      const writes = transfersBetween(wallets, 3);
      const user = `u-${randomUUID()}`;
      writes.push([aSource(aHoldPlaced(wallets[0]!)), aSource(aWalletFrozen(wallets[1]!)),
        aSource(aRejection('transfer', wallets[1]!)), aSource(aPlanChanged(user))]);
      const topics = [TOPICS.transactionSuccess, TOPICS.paymentSuccess, TOPICS.planChanged];
      const { received } = await collect(aGroup('g'), topics, [...wallets, user]);
      for (const write of writes) await subject.emit(write);
      const requested: ReadonlySet<string> = new Set(topics);
      const expected = writes.flat().flatMap((source) => integrationMessageOf(source) ?? [])
        .filter((message) => requested.has(message.topic));
      await eventually(() => received.length >= expected.length, 'the requested messages');
      await sleep(100); // time for anything unwanted to arrive too
      expect([...received].sort(byId)).toEqual([...expected].sort(byId));
      for (const key of [...wallets, user]) {
        const ofKey = (messages: readonly BusMessage[]) =>
          idsOf(messages.filter((message) => message.key === key));
        expect(ofKey(received)).toEqual(ofKey(expected));
      }
    });

    test('each group gets every message', async () => {
      const wallets = [aWalletId('a'), aWalletId('b')];
      const writes = transfersBetween(wallets, 2);
      const topics = [TOPICS.transactionSuccess, TOPICS.paymentSuccess];
      const first = await collect(aGroup('first'), topics, wallets);
      const second = await collect(aGroup('second'), topics, wallets);
      for (const write of writes) await subject.emit(write);
      const expected = idsOf(writes.flat().map(messageOf)).sort();
      await eventually(() => first.received.length === expected.length
        && second.received.length === expected.length, 'both groups');
      expect(idsOf(first.received).sort()).toEqual(expected);
      expect(idsOf(second.received).sort()).toEqual(expected);
    });

    test('a message whose handler threw comes again, and only it, before the next', async () => {
      const wallet = aWalletId();
      const sources = (['WalletDebited', 'WalletCredited', 'WalletDebited'] as const)
        .map((type) => aSource(aMovement(type, 'transfer', wallet)));
      const [first, second, third] = idsOf(sources.map(messageOf));
      const attempts: string[] = [];
      const subscription = await subject.feed.subscribe(aGroup('g'),
        [TOPICS.transactionSuccess], async (message) => {
          if (message.key !== wallet) return;
          attempts.push(message.eventId);
          if (message.eventId === second && attempts.length === 2) throw new Error('hiccup');
        });
      stops.push(() => subscription.stop());
      await subject.emit(sources);
      await eventually(() => attempts.length >= 4, 'the redelivery and the next message');
      await sleep(100); // time for a wrongful redelivery of the first to arrive too
      expect(attempts).toEqual([first, second, second, third]);
    });

    test('a restarted group resumes after what it handled', async () => {
      const wallet = aWalletId();
      const group = aGroup('g');
      const topics = [TOPICS.transactionSuccess];
      const before = [aSource(aMovement('WalletDebited', 'transfer', wallet)),
        aSource(aMovement('WalletCredited', 'transfer', wallet))];
      const after = [aSource(aMovement('WalletDebited', 'transfer', wallet))];
      const firstRun = await collect(group, topics, [wallet]);
      await subject.emit(before);
      await eventually(() => firstRun.received.length === before.length, 'the first messages');
      await firstRun.stop();
      await subject.emit(after);
      const secondRun = await collect(group, topics, [wallet]);
      await eventually(() => secondRun.received.length >= after.length, 'the later message');
      await sleep(100); // time for a wrongful redelivery to arrive too
      expect(idsOf(secondRun.received)).toEqual(idsOf(after.map(messageOf)));
    });
  });
}

const byId = (a: BusMessage, b: BusMessage) => a.eventId.localeCompare(b.eventId);
