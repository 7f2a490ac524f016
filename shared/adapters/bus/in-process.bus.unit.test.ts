// Goal: the in-process bus passes the shared Bus contract, and its redelivery is bounded: a
// handler that keeps failing halts its group on that message and the failure surfaces.
import { busContract } from '../../testing/contracts/bus.contract';
import type { BusMessage } from '../../ports/bus.port';
import { BusDeliveryFailed, InProcessBus } from './in-process.bus';
import { dedupeByEventId } from './dedupe-by-event-id';

busContract('in-process', async () => {
  const bus = new InProcessBus({ retryDelayMs: 1 });
  return { bus, createTopics: async () => {}, stop: () => bus.close() };
});

const aMessage = (eventId: string, key = 'w-1'): BusMessage => ({
  topic: 'transaction-success', key, eventId, type: 'WalletDebited',
  payload: { amountMinor: '1' }, headers: {},
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InProcessBus bounds', () => {
  test('gives up after deliveryAttemptsMax and halts the group on that message', async () => {
    const failures: BusDeliveryFailed[] = [];
    const bus = new InProcessBus({ deliveryAttemptsMax: 3, retryDelayMs: 1,
      onDeliveryFailed: (failure) => failures.push(failure) });
    const seen: string[] = [];
    const subscription = await bus.subscribe('g', ['transaction-success'], async (m) => {
      seen.push(m.eventId);
      if (m.eventId === 'poison') throw new Error('cannot handle');
    });
    await bus.publish([aMessage('poison'), aMessage('next')]);
    await sleep(50);
    // Skipping the poison message would break the key's order, so 'next' waits.
    expect(seen).toEqual(['poison', 'poison', 'poison']);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.failure.message.eventId).toBe('poison');
    await expect(subscription.stop()).rejects.toBeInstanceOf(BusDeliveryFailed);
  });

  test('a new group starts at the oldest retained message', async () => {
    const bus = new InProcessBus({ retainedMax: 2 });
    await bus.publish([aMessage('e1'), aMessage('e2'), aMessage('e3')]);
    const seen: string[] = [];
    const subscription = await bus.subscribe('late', ['transaction-success'], async (m) => {
      seen.push(m.eventId);
    });
    await sleep(20);
    expect(seen).toEqual(['e2', 'e3']);
    await subscription.stop();
  });

  test('dedupeByEventId forgets the oldest id beyond its bound', async () => {
    const handled: string[] = [];
    const handler = dedupeByEventId(async (m) => { handled.push(m.eventId); }, 2);
    for (const id of ['a', 'b', 'a', 'c', 'a']) await handler(aMessage(id));
    // 'a' is remembered until 'c' pushes it out of a two-id memory.
    expect(handled).toEqual(['a', 'b', 'c', 'a']);
  });
});
