// Goal: the sagas service starts the Kafka relay only when it is given a bus (KAFKA_BROKERS
// in bin/serve.ts): with one, money events reach it; without one, no relay checkpoint is ever
// written. The in-process bus stands in for the broker.
import { InProcessBus } from '../../shared/adapters/bus/in-process.bus';
import type { BusMessage } from '../../shared/ports/bus.port';
import { readCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import {
  aMovement, appendSources, aSource, aWalletId,
} from '../../shared/testing/integration-events';
import { KAFKA_RELAY_SUBSCRIBER } from './kafka-relay/kafka-relay.subscriber';
import { startSagas } from './sagas.service';
import { openSagaDatabase } from './testing/saga-database';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
beforeEach(async () => {
  db = await openSagaDatabase();
});
afterEach(() => db.close());

const WAIT_MS_MAX = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const holdExpiry = { intervalMs: 60_000, batchSizeMax: 100 };

test('with a bus, the relay publishes what is appended', async () => {
  const bus = new InProcessBus();
  const received: BusMessage[] = [];
  const consumer = await bus.subscribe('test', ['transaction-success'], async (message) => {
    received.push(message);
  });
  const sagas = startSagas({ ...db, holdExpiry, bus });
  try {
    const source = aSource(aMovement('WalletDebited', 'transfer', aWalletId()));
    await appendSources(db.store, [source]);
    const deadline = Date.now() + WAIT_MS_MAX;
    while (received.length === 0 && Date.now() < deadline) await sleep(20);
    expect(received.map((message) => message.eventId)).toEqual([source.eventId]);
  } finally {
    await sagas.stop();
    await consumer.stop();
  }
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).not.toBeNull();
});

test('without a bus, no relay runs', async () => {
  const sagas = startSagas({ ...db, holdExpiry });
  await appendSources(db.store, [aSource(aMovement('WalletDebited', 'transfer', aWalletId()))]);
  // The hold-expiry subscription catching up shows the sagas read the log meanwhile.
  const deadline = Date.now() + WAIT_MS_MAX;
  while (!(await readCheckpoint(db.pool, 'hold-expiry')) && Date.now() < deadline) await sleep(20);
  await sagas.stop();
  expect(await readCheckpoint(db.pool, 'hold-expiry')).not.toBeNull();
  expect(await readCheckpoint(db.pool, KAFKA_RELAY_SUBSCRIBER)).toBeNull();
});
