// Goal: the hold-expiry saga against real Postgres. Its subscription keeps its own table of
// pending holds from the log (no projector involved); overdue holds (by that table and the
// database clock) get exactly one HoldExpired each, with the deterministic event id; the
// wallet's available balance is whole again; holds not yet due stay pending; a sweep over a
// table that has not caught up expires nothing twice; concurrent sweepers (separate
// repositories, as separate processes would have) expire each hold exactly once; and the
// running process follows new holds and expires them on its own.
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import { walletId as toWalletId } from '../../../shared/domain/ids';
import type { EventStore, RecordedEvent } from '../../../shared/ports/event-store.port';
import { openSagaDatabase } from '../testing/saga-database';
import { FUNDED_MINOR, HOLD_MINOR, hoursAgo, seedWalletWithHolds } from '../testing/holds-seed';
import { HOLD_EXPIRY_ACTOR, holdExpiryEventId } from './expire-wallet-holds';
import { startHoldExpiry } from './hold-expiry.process';
import { sweepExpiredHolds } from './hold-expiry.sweep';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
beforeEach(async () => {
  db = await openSagaDatabase();
});
afterEach(() => db.close());

const PROCESS_WAIT_STEPS_MAX = 500;
const OVERDUE = { placedAt: hoursAgo(2), expiresInSeconds: 60 };
const NOT_DUE = { placedAt: new Date(), expiresInSeconds: 3_600 };

const sweep = (batchSizeMax = 100) =>
  sweepExpiredHolds({ ...db, wallets: createWalletRepository(db.store), batchSizeMax });

async function streamOf(store: EventStore, walletId: string): Promise<RecordedEvent[]> {
  return store.readStream(walletStreamId(toWalletId(walletId)), { fromVersion: 1n, limit: 1_000 });
}

const expiredIn = (events: readonly RecordedEvent[]) =>
  events.filter((event) => event.type === 'HoldExpired').map((event) => event.data.holdId);

/** Balance and held amount as the wallet's own stream says (fresh repository: no cache). */
async function walletFigures(walletId: string) {
  const { state } = await createWalletRepository(db.store).load(walletId);
  if (state.status === 'absent') throw new Error(`wallet ${walletId} is absent`);
  return { balance: state.balanceMinor, held: state.heldMinor };
}

/** The holds of `walletId` the saga's table still lists as pending. */
async function pendingHolds(walletId: string): Promise<string[]> {
  const result = await db.pool.query<{ hold_id: string }>(
    'select hold_id from saga_hold_expiry_holds where wallet_id = $1 order by hold_id',
    [walletId],
  );
  return result.rows.map((row) => row.hold_id);
}

test('one sweep expires the overdue holds and restores available; the table follows', async () => {
  const wallet = await seedWalletWithHolds(db.store, [OVERDUE, OVERDUE, NOT_DUE]);
  const [first, second, later] = wallet.holdIds as [string, string, string];
  await db.followHolds();
  const placed = { balance: FUNDED_MINOR, held: 3n * HOLD_MINOR };
  expect(await walletFigures(wallet.walletId)).toEqual(placed);
  expect(await pendingHolds(wallet.walletId)).toEqual([...wallet.holdIds].sort());

  const result = await sweep();
  expect(result).toEqual({ walletsDue: 1, holdsExpired: 2, walletsFailed: 0 });
  const events = await streamOf(db.store, wallet.walletId);
  expect(expiredIn(events).sort()).toEqual([first, second].sort());
  const expired = events.filter((event) => event.type === 'HoldExpired');
  expect(expired.map((event) => event.eventId).sort()).toEqual(
    [holdExpiryEventId(first), holdExpiryEventId(second)].sort(),
  );
  expect(expired[0]!.metadata.actorId).toBe(HOLD_EXPIRY_ACTOR);

  await db.followHolds();
  expect(await walletFigures(wallet.walletId)).toEqual({ balance: FUNDED_MINOR, held: HOLD_MINOR });
  expect(await pendingHolds(wallet.walletId)).toEqual([later]);
  const metrics = await db.metrics.registry.getSingleMetricAsString('tng_holds_expired_total');
  expect(metrics).toContain('tng_holds_expired_total 2');
});

test('a sweep over a table not caught up, or a second sweep, expires nothing twice', async () => {
  const wallet = await seedWalletWithHolds(db.store, [OVERDUE]);
  await db.followHolds();
  expect((await sweep()).holdsExpired).toBe(1);
  // Not followed yet: the table still nominates the wallet; its stream says no.
  expect(await sweep()).toEqual({ walletsDue: 1, holdsExpired: 0, walletsFailed: 0 });
  await db.followHolds();
  expect(await sweep()).toEqual({ walletsDue: 0, holdsExpired: 0, walletsFailed: 0 });
  expect(expiredIn(await streamOf(db.store, wallet.walletId))).toEqual(wallet.holdIds);
});

test('concurrent sweepers expire each hold exactly once', async () => {
  const wallets = [];
  for (let index = 0; index < 6; index += 1) {
    wallets.push(await seedWalletWithHolds(db.store, [OVERDUE, OVERDUE, OVERDUE]));
  }
  await db.followHolds();
  const results = await Promise.all([sweep(), sweep(), sweep(), sweep()]);
  expect(results.reduce((sum, result) => sum + result.holdsExpired, 0)).toBe(18);
  expect(results.every((result) => result.walletsFailed === 0)).toBe(true);
  for (const wallet of wallets) {
    expect(expiredIn(await streamOf(db.store, wallet.walletId)).sort()).toEqual(
      [...wallet.holdIds].sort(),
    );
  }
  await db.followHolds();
  for (const wallet of wallets) {
    expect((await walletFigures(wallet.walletId)).held).toBe(0n);
  }
  const pending = await db.pool.query('select hold_id from saga_hold_expiry_holds');
  expect(pending.rows).toEqual([]);
});

test('a sweep takes at most batchSizeMax wallets, most overdue first', async () => {
  const moreOverdue = { placedAt: hoursAgo(3), expiresInSeconds: 60 };
  const older = await seedWalletWithHolds(db.store, [moreOverdue]);
  await seedWalletWithHolds(db.store, [OVERDUE]);
  await db.followHolds();
  expect(await sweep(1)).toEqual({ walletsDue: 1, holdsExpired: 1, walletsFailed: 0 });
  expect(expiredIn(await streamOf(db.store, older.walletId))).toEqual(older.holdIds);
  await db.followHolds();
  expect((await sweep(1)).holdsExpired).toBe(1);
});

test('the running process follows new holds and expires them on its own', async () => {
  const saga = startHoldExpiry({ ...db, intervalMs: 20, batchSizeMax: 100 });
  try {
    const wallet = await seedWalletWithHolds(db.store, [OVERDUE, NOT_DUE]);
    const [overdue] = wallet.holdIds as [string, string];
    for (let wait = 0; wait < PROCESS_WAIT_STEPS_MAX; wait += 1) {
      if (expiredIn(await streamOf(db.store, wallet.walletId)).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(expiredIn(await streamOf(db.store, wallet.walletId))).toEqual([overdue]);
  } finally {
    await saga.stop();
  }
  const position = await db.metrics.registry.getSingleMetricAsString('tng_subscription_position');
  expect(position).toMatch(/tng_subscription_position\{subscriber="hold-expiry"\} [1-9]/);
});
