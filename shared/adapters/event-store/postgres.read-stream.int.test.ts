// Goal: readStream's pages, bounded by version range for speed (docs/performance.md, "Audit
// replay"), return exactly what the open-ended read returned: at most `limit` events from
// `fromVersion` in version order, short only at the end, and still past a gap (which only
// tampering can leave) rather than stopping at it.
import { createFreshDatabase, withClient, type FreshDatabase } from '../../testing/fresh-database';
import { aStreamId, someEvents } from '../../testing/event-builders';
import { PostgresEventStore } from './postgres.event-store';

let db: FreshDatabase;
let store: PostgresEventStore;
beforeEach(async () => {
  db = await createFreshDatabase();
  store = new PostgresEventStore({ connection: { url: db.url } });
});
afterEach(async () => {
  await store.close();
  await db.drop();
});

const versionsOf = async (streamId: string, fromVersion: bigint, limit: number) =>
  (await store.readStream(streamId, { fromVersion, limit })).map((event) => event.streamVersion);

test('pages hold `limit` events from `fromVersion`, the last one short', async () => {
  const streamId = aStreamId();
  await store.append({ streams: [{ streamId, expectedVersion: 'no-stream', events: someEvents(7) }] });
  await expect(versionsOf(streamId, 1n, 3)).resolves.toEqual([1n, 2n, 3n]);
  await expect(versionsOf(streamId, 4n, 3)).resolves.toEqual([4n, 5n, 6n]);
  await expect(versionsOf(streamId, 7n, 3)).resolves.toEqual([7n]);
  await expect(versionsOf(streamId, 8n, 3)).resolves.toEqual([]);
  await expect(versionsOf(streamId, 0n, 3)).resolves.toEqual([1n, 2n, 3n]);
});

test('a page over a gap reads on past it, as the open-ended read did', async () => {
  const streamId = aStreamId();
  await store.append({ streams: [{ streamId, expectedVersion: 'no-stream', events: someEvents(6) }] });
  await withClient(db.url, async (client) => {
    await client.query('begin');
    await client.query('alter table events disable trigger events_append_only');
    await client.query('delete from events where stream_id = $1 and stream_version = 3', [streamId]);
    await client.query('alter table events enable always trigger events_append_only');
    await client.query('commit');
  });
  await expect(versionsOf(streamId, 1n, 3)).resolves.toEqual([1n, 2n, 4n]);
  await expect(versionsOf(streamId, 2n, 10)).resolves.toEqual([2n, 4n, 5n, 6n]);
});
