// Goal: replaying a wallet from Postgres folds every event across pages (read one ahead), and
// tampering stays evident: an event rewritten into something its schema refuses stops the
// replay, and a rewritten amount that still parses is what `tng audit verify` (the hash
// chain) catches, as before the replay was made faster (docs/performance.md, "Audit replay").
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../adapters/event-store/postgres.event-store';
import { EventDecodeFailed, domainEventCodec } from '../domain/event-codec';
import type { NewEvent } from '../ports/event-store.port';
import { createFreshDatabase, withClient, type FreshDatabase } from '../testing/fresh-database';
import { REPLAY_PAGE_SIZE_MAX, replayWallet } from './replay-wallet';

const APPEND_EVENTS_MAX = 1_000;

let db: FreshDatabase;
let store: PostgresEventStore;
beforeEach(async () => {
  db = await createFreshDatabase();
  store = new PostgresEventStore({ connection: { url: db.url }, codec: domainEventCodec });
});
afterEach(async () => {
  await store.close();
  await db.drop();
});

/** WalletOpened, then `credits` credits of 1 minor unit each; returns the wallet id. */
async function seedWallet(credits: number): Promise<string> {
  const walletId = `w-${randomUUID()}`;
  const metadata = { occurredAt: '2025-01-01T00:00:00.000Z', actorId: 'u-auditor' };
  const events: NewEvent[] = [{
    eventId: randomUUID(), type: 'WalletOpened', schemaVersion: 2, metadata,
    data: { walletId, ownerId: 'u-owner', kind: 'user', currency: 'MYR' },
  }];
  for (let index = 0; index < credits; index += 1) {
    events.push({
      eventId: randomUUID(), type: 'WalletCredited', schemaVersion: 1, metadata,
      data: {
        walletId, movementId: `m-${index}`, movementKind: 'adjustment', currency: 'MYR',
        amountMinor: '1', counterpartyWalletId: 'system-adjustments-MYR',
        occurredAt: metadata.occurredAt,
      },
    });
  }
  for (let start = 0; start < events.length; start += APPEND_EVENTS_MAX) {
    const batch = events.slice(start, start + APPEND_EVENTS_MAX);
    const streamId = `wallet-${walletId}`;
    await store.append({ streams: [{ streamId, expectedVersion: 'any', events: batch }] });
  }
  return walletId;
}

async function rewriteAmount(walletId: string, streamVersion: number, amount: string) {
  await withClient(db.url, async (client) => {
    await client.query('begin');
    await client.query('alter table events disable trigger events_append_only');
    await client.query(
      `update events set data = jsonb_set(data, '{amountMinor}', to_jsonb($3::text))
        where stream_id = $1 and stream_version = $2`,
      [`wallet-${walletId}`, streamVersion, amount],
    );
    await client.query('alter table events enable always trigger events_append_only');
    await client.query('commit');
  });
}

test('a replay over several pages folds every event once, in version order', async () => {
  const credits = 2 * REPLAY_PAGE_SIZE_MAX + 2; // Three pages, the last one short.
  const walletId = await seedWallet(credits);
  const versions: bigint[] = [];
  const { state, last } = await replayWallet(store, walletId, {
    onStep: (step) => versions.push(step.recorded.streamVersion),
  });
  expect(state.status === 'absent' ? null : state.balanceMinor).toBe(BigInt(credits));
  expect(last?.streamVersion).toBe(BigInt(credits + 1));
  expect(versions).toEqual(Array.from({ length: credits + 1 }, (_, i) => BigInt(i + 1)));
});

test('a replay that ends on a full page reads the empty page after it and stops', async () => {
  const walletId = await seedWallet(REPLAY_PAGE_SIZE_MAX - 1); // Exactly one full page.
  const { state, last } = await replayWallet(store, walletId);
  expect(state.status === 'absent' ? null : state.balanceMinor)
    .toBe(BigInt(REPLAY_PAGE_SIZE_MAX - 1));
  expect(last?.streamVersion).toBe(BigInt(REPLAY_PAGE_SIZE_MAX));
});

test('an event rewritten into what its schema refuses stops the replay; verify names it', async () => {
  const walletId = await seedWallet(3);
  await rewriteAmount(walletId, 3, '-5');
  await expect(replayWallet(store, walletId)).rejects.toBeInstanceOf(EventDecodeFailed);
  await expect(store.verifyStreams()).resolves.toEqual(expect.objectContaining({
    ok: false, streamId: `wallet-${walletId}`, streamVersion: 3n,
  }));
});

test('a rewritten amount that still parses is caught by the hash chain, not by replay', async () => {
  const walletId = await seedWallet(3);
  await rewriteAmount(walletId, 2, '1000');
  // Replay folds what is stored (it never checked hashes); verify is the tamper evidence.
  const { state } = await replayWallet(store, walletId);
  expect(state.status === 'absent' ? null : state.balanceMinor).toBe(1002n);
  await expect(store.verifyStreams()).resolves.toEqual(expect.objectContaining({
    ok: false, streamId: `wallet-${walletId}`, streamVersion: 2n,
  }));
});
