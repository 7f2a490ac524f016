// Goal: the KurrentDB adapter passes the shared EventStore contract against a real server
// (KurrentDB 25.1 or later: multi-stream appends). It runs only when KURRENTDB_URL names one;
// otherwise it skips and says why (no KurrentDB server can be installed on these machines).
// Each store gets a namespace of its own, so runs on one server never meet.
import { randomUUID } from 'node:crypto';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { eventStoreContract } from '../../testing/contracts/event-store.contract';
import { truncateAndForge } from '../../testing/kurrentdb-tamper';
import { KurrentDBEventStore } from './kurrentdb.event-store';

const url = process.env.KURRENTDB_URL ?? '';
if (!url) {
  process.stderr.write('[kurrentdb.event-store] skipped: no KurrentDB server: set KURRENTDB_URL;'
    + ' none can be installed on these machines\n');
}
const describeKurrent = url ? describe : describe.skip;

describeKurrent('KurrentDB event store against a real server', () => {
  eventStoreContract('kurrentdb', async (options) => {
    const namespace = `test-${randomUUID()}`;
    const codec = options?.codec;
    const store = new KurrentDBEventStore({ connectionString: url, namespace, codec });
    return {
      store,
      stop: () => store.close(),
      tamper: (streamId, streamVersion) => tamper(namespace, streamId, streamVersion),
    };
  });
});
async function tamper(namespace: string, streamId: string, streamVersion: bigint): Promise<void> {
  const client = KurrentDBClient.connectionString(url);
  try {
    await truncateAndForge(client, namespace, streamId, streamVersion);
  } finally {
    await client.dispose();
  }
}
