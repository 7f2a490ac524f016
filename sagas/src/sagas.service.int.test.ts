// Goal: the sagas service starts the Kafka relay only when it is given a bus (KAFKA_BROKERS
// in bin/serve.ts): with one, money events reach it; without one, no relay checkpoint is ever
// written. The in-process bus stands in for the broker.
import { InProcessBus } from '../../shared/adapters/bus/in-process.bus';
import type { BusMessage } from '../../shared/ports/bus.port';
import { readCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import {
  aMovement, appendSources, aSource, aWalletId,
} from '../../shared/testing/integration-events';
import { waitUntil } from '../../shared/testing/wait-until';
import { KAFKA_RELAY_SUBSCRIBER } from './kafka-relay/kafka-relay.subscriber';
import { startSagas } from './sagas.service';
import { openSagaDatabase } from './testing/saga-database';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
beforeEach(async () => {
  db = await openSagaDatabase();
});
afterEach(() => db.close());

const holdExpiry = { intervalMs: 60_000, batchSizeMax: 100 };
const topUpExpiry = { intervalMs: 60_000, expirySeconds: 86_400 };

test('with a bus, the relay publishes what is appended', async () => {
  const bus = new InProcessBus();
  const received: BusMessage[] = [];
  const consumer = await bus.subscribe('test', ['transaction-success'], async (message) => {
    received.push(message);
  });
  const sagas = startSagas({ ...db, holdExpiry, topUpExpiry, bus });
  try {
    const source = aSource(aMovement('WalletDebited', 'transfer', aWalletId()));
    await appendSources(db.store, [source]);
    await waitUntil('the relayed message', () => received.length > 0);
    expect(received.map((message) => message.eventId)).toEqual([source.eventId]);
  } finally {
    await sagas.stop();
    await consumer.stop();
  }
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).not.toBeNull();
});

test('without a bus, no relay runs', async () => {
  const sagas = startSagas({ ...db, holdExpiry, topUpExpiry });
  await appendSources(db.store, [aSource(aMovement('WalletDebited', 'transfer', aWalletId()))]);
  // The hold-expiry subscription catching up shows the sagas read the log meanwhile.
  await waitUntil('the hold-expiry checkpoint',
    async () => (await readCheckpoint(db.pool, 'hold-expiry')) !== null);
  await sagas.stop();
  expect(await readCheckpoint(db.pool, 'hold-expiry')).not.toBeNull();
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).toBeNull();
});
