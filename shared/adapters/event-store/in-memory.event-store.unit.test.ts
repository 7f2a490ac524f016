// Goal: the in-memory adapter keeps the same promises as Postgres (the shared contract),
// so unit tests that use it prove something about production behaviour.
import { eventStoreContract } from '../../testing/contracts/event-store.contract';
import { aStreamId, anEvent } from '../../testing/event-builders';
import type { EventCodec } from '../../ports/event-store.port';
import { InMemoryEventStore } from './in-memory.event-store';

eventStoreContract('in-memory', async (options) => {
  const store = new InMemoryEventStore(options);
  return {
    store,
    stop: () => store.close(),
    tamper: async (streamId, streamVersion) =>
      store.tamperForTest(streamId, streamVersion, { amountMinor: '1000000', note: 'forged' }),
  };
});

describe('in-memory event store', () => {
  test('a codec upcasts on read, while verification checks the stored payload', async () => {
    const codec: EventCodec = {
      decode: (_type, schemaVersion, data) =>
        schemaVersion === 1 ? { schemaVersion: 2, data: { ...(data as object), upcast: true } }
          : { schemaVersion, data: data as Record<string, unknown> },
    };
    const store = new InMemoryEventStore({ codec });
    const streamId = aStreamId();
    await store.append({ streams: [{ streamId, expectedVersion: 'any', events: [anEvent()] }] });
    const [event] = await store.readStream(streamId, { fromVersion: 1n, limit: 1 });
    expect(event).toMatchObject({ schemaVersion: 2, data: { upcast: true } });
    expect(await store.verifyStreams()).toEqual({ ok: true, streams: 1, events: 1 });
  });

  test('a caller mutating what it appended or read cannot change history', async () => {
    const store = new InMemoryEventStore();
    const streamId = aStreamId();
    const event = anEvent({ data: { amountMinor: '100' } });
    await store.append({ streams: [{ streamId, expectedVersion: 'any', events: [event] }] });
    (event.data as Record<string, unknown>).amountMinor = '999';
    const [read] = await store.readStream(streamId, { fromVersion: 1n, limit: 1 });
    (read!.data as Record<string, unknown>).amountMinor = '998';
    const [again] = await store.readStream(streamId, { fromVersion: 1n, limit: 1 });
    expect(again?.data).toEqual({ amountMinor: '100' });
    expect(await store.verifyStreams()).toMatchObject({ ok: true });
  });
});
