// The Bus contract: the behaviour every Bus adapter must share (docs/style.md, "Contract
// suites"). Run by in-process.bus.unit.test.ts and kafka.bus.int.test.ts; never run alone.
// Each test uses its own topics and groups, so it holds on a shared broker with old data.
// Deliveries are awaited by polling, since a real broker's group join takes seconds.
import { randomUUID } from 'node:crypto';
import type { Bus, BusMessage } from '../../ports/bus.port';
import { dedupeByEventId } from '../../adapters/bus/dedupe-by-event-id';
import { waitUntil } from '../wait-until';

export type StartBus = () => Promise<{
  bus: Bus;
  /** Creates the topics where a broker needs them first; in memory nothing to do. */
  createTopics(topics: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}>;

const eventually = (check: () => boolean, what: string) => waitUntil(what, check);

const aName = (label: string) => `contract-${label}-${randomUUID().slice(0, 8)}`;

function aMessage(topic: string, key: string, overrides: Partial<BusMessage> = {}): BusMessage {
  return {
    topic,
    key,
    eventId: randomUUID(),
    type: 'WalletDebited',
    payload: { walletId: key, amountMinor: '1050', currency: 'MYR', note: 'kopi ☕' },
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    ...overrides,
  };
}

export function busContract(adapterName: string, start: StartBus): void {
  describe(`Bus contract: ${adapterName}`, () => {
    let subject: Awaited<ReturnType<StartBus>>;
    let bus: Bus;
    const stops: Array<() => Promise<void>> = [];
    const topicsFor = async (count: number) => {
      const topics = Array.from({ length: count }, (_, i) => aName(`t${i}`));
      await subject.createTopics(topics);
      return topics;
    };
    const collect = async (group: string, topics: string[], into: BusMessage[]) => {
      const subscription = await bus.subscribe(group, topics, async (m) => { into.push(m); });
      stops.push(() => subscription.stop());
    };

    beforeEach(async () => {
      subject = await start();
      bus = subject.bus;
    });
    afterEach(async () => {
      for (const stop of stops.splice(0)) await stop().catch(() => {});
      await subject.stop();
    });

    test('a published message reaches a subscriber whole', async () => {
      const [topic] = await topicsFor(1);
      const received: BusMessage[] = [];
      await collect(aName('g'), [topic!], received);
      const message = aMessage(topic!, 'w-1');
      await bus.publish([message]);
      await eventually(() => received.length === 1, 'the message');
      expect(received[0]).toEqual(message);
    });

    test('messages of one key on one topic arrive in the order published', async () => {
      // Order holds per topic and key (a Kafka partition), never across topics.
      const [first] = await topicsFor(1);
      const received: BusMessage[] = [];
      await collect(aName('g'), [first!], received);
      const sent: BusMessage[] = [];
      for (let batch = 0; batch < 4; batch += 1) {
        const messages = Array.from({ length: 5 }, (_, i) =>
          aMessage(first!, i % 2 === 0 ? 'w-even' : 'w-odd',
            { payload: { seq: `${batch}-${i}` } }));
        sent.push(...messages);
        await bus.publish(messages);
      }
      await eventually(() => received.length === sent.length, 'all messages');
      for (const key of ['w-even', 'w-odd']) {
        const ids = (list: BusMessage[]) => list.filter((m) => m.key === key).map((m) => m.eventId);
        expect(ids(received)).toEqual(ids(sent));
      }
    });

    test('two consumer groups each get every message', async () => {
      const [topic] = await topicsFor(1);
      const inA: BusMessage[] = [];
      const inB: BusMessage[] = [];
      await collect(aName('a'), [topic!], inA);
      await collect(aName('b'), [topic!], inB);
      const messages = [aMessage(topic!, 'w-1'), aMessage(topic!, 'w-2')];
      await bus.publish(messages);
      await eventually(() => inA.length === 2 && inB.length === 2, 'both groups');
      const ids = messages.map((m) => m.eventId).sort();
      expect(inA.map((m) => m.eventId).sort()).toEqual(ids);
      expect(inB.map((m) => m.eventId).sort()).toEqual(ids);
    });

    test('a message whose handler threw is delivered again', async () => {
      const [topic] = await topicsFor(1);
      const attempts: string[] = [];
      const subscription = await bus.subscribe(aName('g'), [topic!], async (m) => {
        attempts.push(m.eventId);
        if (attempts.length === 1) throw new Error('consumer hiccup');
      });
      stops.push(() => subscription.stop());
      const message = aMessage(topic!, 'w-1');
      await bus.publish([message]);
      await eventually(() => attempts.length >= 2, 'the redelivery');
      expect(attempts.slice(0, 2)).toEqual([message.eventId, message.eventId]);
    });

    test('a consumer deduping by event id handles a republished event once', async () => {
      const [topic] = await topicsFor(1);
      const handled: BusMessage[] = [];
      const all: BusMessage[] = [];
      const subscription = await bus.subscribe(aName('g'), [topic!], dedupeByEventId(async (m) => {
        handled.push(m);
      }));
      stops.push(() => subscription.stop());
      await collect(aName('witness'), [topic!], all);
      const message = aMessage(topic!, 'w-1');
      const after = aMessage(topic!, 'w-1');
      // A relay that crashed after the broker's ack but before its checkpoint publishes again.
      await bus.publish([message]);
      await bus.publish([message, after]);
      await eventually(() => all.length === 3 && handled.length === 2, 'all deliveries');
      expect(handled.map((m) => m.eventId)).toEqual([message.eventId, after.eventId]);
    });

    test('a payload that is not JSON-safe is refused', async () => {
      const [topic] = await topicsFor(1);
      const unsafe = aMessage(topic!, 'w-1',
        { payload: { amountMinor: 1050n as unknown as string } });
      await expect(bus.publish([unsafe])).rejects.toThrow();
    });
  });
}
