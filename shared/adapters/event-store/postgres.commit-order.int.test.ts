// Goal: within one stream, the global read order (transaction_id, global_position) follows the
// stream's versions, even for appends with expectedVersion 'any' that race across several
// stores (processes). Projections skip events at or below a row's version, so an event read
// after a higher version of its stream would be lost from the read models.
import { createFreshDatabase, type FreshDatabase } from '../../testing/fresh-database';
import { readEverything } from '../../testing/contracts/event-store.contract';
import { aStreamId, anEvent } from '../../testing/event-builders';
import { PostgresEventStore } from './postgres.event-store';

const STORES = 4;
const APPENDS_PER_STORE = 40;

let db: FreshDatabase;
beforeAll(async () => { db = await createFreshDatabase(); });
afterAll(() => db.drop());

test.each([true, false])('racing any-appends read back in version order (groupCommit %s)',
  async (groupCommit) => {
    const stores = Array.from({ length: STORES }, () =>
      new PostgresEventStore({ connection: { url: db.url, poolSizeMax: 8 }, groupCommit }));
    const shared = aStreamId('hot-merchant');
    try {
      // Each append also opens a stream of its own whose id sorts before the shared one, the
      // shape of a payment: a new or exact-version source and an 'any' target.
      await Promise.all(stores.flatMap((store) =>
        Array.from({ length: APPENDS_PER_STORE }, () => store.append({ streams: [
          { streamId: `a-${aStreamId('payer')}`, expectedVersion: 'no-stream', events: [anEvent()] },
          { streamId: shared, expectedVersion: 'any', events: [anEvent()] },
        ] }))));
      const all = await readEverything(stores[0]!);
      const versions = all.filter((e) => e.streamId === shared).map((e) => e.streamVersion);
      expect(versions).toHaveLength(STORES * APPENDS_PER_STORE);
      expect(versions).toEqual([...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
