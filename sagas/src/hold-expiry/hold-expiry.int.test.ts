// Goal: the hold-expiry sweep against real Postgres. Overdue active holds (by the read model
// and the database clock) get exactly one HoldExpired each, with the deterministic event id;
// once projected, the wallet's available balance is whole again; holds not yet due stay
// active; a sweep over a stale read model expires nothing twice; and concurrent sweepers
// (separate repositories, as separate processes would have) expire each hold exactly once.
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import { walletId as toWalletId } from '../../../shared/domain/ids';
import type { EventStore, RecordedEvent } from '../../../shared/ports/event-store.port';
import { openSagaDatabase } from '../testing/saga-database';
import { FUNDED_MINOR, HOLD_MINOR, hoursAgo, seedWalletWithHolds } from '../testing/holds-seed';
import { HOLD_EXPIRY_ACTOR, holdExpiryEventId } from './expire-wallet-holds';
import { sweepExpiredHolds } from './hold-expiry.sweep';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
beforeEach(async () => {
  db = await openSagaDatabase();
});
afterEach(() => db.close());

const OVERDUE = { placedAt: hoursAgo(2), expiresInSeconds: 60 };
const NOT_DUE = { placedAt: new Date(), expiresInSeconds: 3_600 };

const sweep = (batchSizeMax = 100) =>
  sweepExpiredHolds({ ...db, wallets: createWalletRepository(db.store), batchSizeMax });

async function streamOf(store: EventStore, walletId: string): Promise<RecordedEvent[]> {
  return store.readStream(walletStreamId(toWalletId(walletId)), { fromVersion: 1n, limit: 1_000 });
}

const expiredIn = (events: readonly RecordedEvent[]) =>
  events.filter((event) => event.type === 'HoldExpired').map((event) => event.data.holdId);

async function walletRow(walletId: string) {
  const result = await db.pool.query<{ balance: bigint; held: bigint }>(
    'select balance, held from rm_wallets where wallet_id = $1',
    [walletId],
  );
  return result.rows[0]!;
}

async function holdStatuses(walletId: string): Promise<Record<string, string>> {
  const result = await db.pool.query<{ hold_id: string; status: string }>(
    'select hold_id, status from rm_holds where wallet_id = $1',
    [walletId],
  );
  return Object.fromEntries(result.rows.map((row) => [row.hold_id, row.status]));
}

test('one sweep expires the overdue holds, and projection restores available', async () => {
  const wallet = await seedWalletWithHolds(db.store, [OVERDUE, OVERDUE, NOT_DUE]);
  const [first, second, later] = wallet.holdIds as [string, string, string];
  await db.projectWallets();
  const placed = { balance: FUNDED_MINOR, held: 3n * HOLD_MINOR };
  expect(await walletRow(wallet.walletId)).toEqual(placed);

  const result = await sweep();
  expect(result).toEqual({ walletsDue: 1, holdsExpired: 2, walletsFailed: 0 });
  const events = await streamOf(db.store, wallet.walletId);
  expect(expiredIn(events).sort()).toEqual([first, second].sort());
  const expired = events.filter((event) => event.type === 'HoldExpired');
  expect(expired.map((event) => event.eventId).sort()).toEqual(
    [holdExpiryEventId(first), holdExpiryEventId(second)].sort(),
  );
  expect(expired[0]!.metadata.actorId).toBe(HOLD_EXPIRY_ACTOR);

  await db.projectWallets();
  expect(await walletRow(wallet.walletId)).toEqual({ balance: FUNDED_MINOR, held: HOLD_MINOR });
  expect(await holdStatuses(wallet.walletId)).toEqual({
    [first]: 'expired',
    [second]: 'expired',
    [later]: 'active',
  });
  const metrics = await db.metrics.registry.getSingleMetricAsString('tng_holds_expired_total');
  expect(metrics).toContain('tng_holds_expired_total 2');
});

test('a sweep over a stale read model, or a second sweep, expires nothing twice', async () => {
  const wallet = await seedWalletWithHolds(db.store, [OVERDUE]);
  await db.projectWallets();
  expect((await sweep()).holdsExpired).toBe(1);
  // Not projected yet: the read model still nominates the wallet; its stream says no.
  expect(await sweep()).toEqual({ walletsDue: 1, holdsExpired: 0, walletsFailed: 0 });
  await db.projectWallets();
  expect(await sweep()).toEqual({ walletsDue: 0, holdsExpired: 0, walletsFailed: 0 });
  expect(expiredIn(await streamOf(db.store, wallet.walletId))).toEqual(wallet.holdIds);
});

test('concurrent sweepers expire each hold exactly once', async () => {
  const wallets = [];
  for (let index = 0; index < 6; index += 1) {
    wallets.push(await seedWalletWithHolds(db.store, [OVERDUE, OVERDUE, OVERDUE]));
  }
  await db.projectWallets();
  const results = await Promise.all([sweep(), sweep(), sweep(), sweep()]);
  expect(results.reduce((sum, result) => sum + result.holdsExpired, 0)).toBe(18);
  expect(results.every((result) => result.walletsFailed === 0)).toBe(true);
  for (const wallet of wallets) {
    expect(expiredIn(await streamOf(db.store, wallet.walletId)).sort()).toEqual(
      [...wallet.holdIds].sort(),
    );
  }
  await db.projectWallets();
  const held = await db.pool.query<{ held: bigint }>(
    `select sum(held)::bigint as held from rm_wallets where kind = 'user'`,
  );
  expect(held.rows[0]!.held).toBe(0n);
});

test('a sweep takes at most batchSizeMax wallets, most overdue first', async () => {
  const moreOverdue = { placedAt: hoursAgo(3), expiresInSeconds: 60 };
  const older = await seedWalletWithHolds(db.store, [moreOverdue]);
  await seedWalletWithHolds(db.store, [OVERDUE]);
  await db.projectWallets();
  expect(await sweep(1)).toEqual({ walletsDue: 1, holdsExpired: 1, walletsFailed: 0 });
  expect(expiredIn(await streamOf(db.store, older.walletId))).toEqual(older.holdIds);
  await db.projectWallets();
  expect((await sweep(1)).holdsExpired).toBe(1);
});
