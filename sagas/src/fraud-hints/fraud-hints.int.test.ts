// Goal: the fraud-hints saga against real Postgres. A velocity burst (5 debits within
// minutes) raises exactly one FraudSuspected on the wallet, with its deterministic id, and
// nothing more when the saga runs over the same debits again (checkpoint reset, or the same
// batch handed twice, as after a crash); 4 debits raise nothing. The tally is counted once.
// The debits are recorded now, and between 00:00 and 05:00 in Kuala Lumpur three of them
// also make a late_night hint (fraud-rules.ts): so the velocity assertions look at velocity
// hints only, and nothing here depends on the hour the suite runs at.
import { randomUUID } from 'node:crypto';
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { appendWalletEvents } from '../../../shared/audit/testing/ledger-seed';
import { walletId, type WalletId } from '../../../shared/domain/ids';
import { credited, debited, myr, opened, BOB } from '../../../shared/domain/testing/wallet-fixtures';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { RecordedEvent } from '../../../shared/ports/event-store.port';
import { openSagaDatabase } from '../testing/saga-database';
import { fraudHintsSubscriber, FRAUD_HINTS_ACTOR } from './fraud-hints.subscriber';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
beforeEach(async () => {
  db = await openSagaDatabase();
});
afterEach(() => db.close());

/** A funded wallet, then `count` debits to one known payee, each its own append (as live). */
async function walletWithDebits(count: number): Promise<WalletId> {
  const id = walletId(`w-${randomUUID()}`);
  await appendWalletEvents(db.store, [[opened(id), credited(id, myr(100_000n))]]);
  for (let i = 0; i < count; i += 1) {
    await appendWalletEvents(db.store, [[debited(id, myr(1_000n), { counterparty: BOB })]]);
  }
  return id;
}

const streamOf = (id: WalletId): Promise<RecordedEvent[]> =>
  db.store.readStream(walletStreamId(id), { fromVersion: 1n, limit: 1_000 });
const hintsIn = (events: readonly RecordedEvent[]) =>
  events.filter((event) => event.type === 'FraudSuspected');
const velocityHintsIn = (events: readonly RecordedEvent[]) =>
  hintsIn(events).filter((event) => (event.data.rules as string[]).includes('velocity'));

test('a velocity burst raises one FraudSuspected, and re-running raises no other', async () => {
  const burst = await walletWithDebits(5);
  const quiet = await walletWithDebits(4);
  const subscriber = fraudHintsSubscriber({ ...db, autoFreeze: false });
  await db.catchUp(subscriber);

  const hints = velocityHintsIn(await streamOf(burst));
  expect(hints).toHaveLength(1);
  const [hint] = hints;
  expect(hint!.data).toMatchObject({ walletId: burst, rules: expect.arrayContaining(['velocity']) });
  expect(hint!.eventId).toBe(hint!.data.hintId);
  expect(hint!.metadata.actorId).toBe(FRAUD_HINTS_ACTOR);
  const debits = (await streamOf(burst)).filter((event) => event.type === 'WalletDebited');
  expect(hint!.metadata.causationId).toBe(debits[4]!.eventId);
  expect(velocityHintsIn(await streamOf(quiet))).toEqual([]);
  const allHints = hintsIn(await streamOf(burst)).map((event) => event.eventId);

  // Again from the start of the log, and the same batch handed twice.
  await db.pool.query("delete from projection_checkpoints where name = 'fraud-hints'");
  await db.catchUp(subscriber);
  await subscriber.handle(debits);
  await subscriber.handle(debits);
  expect(hintsIn(await streamOf(burst)).map((event) => event.eventId)).toEqual(allHints);
  const tally = await db.metrics.registry.getSingleMetricAsString('tng_fraud_hints_total');
  expect(tally).toContain('tng_fraud_hints_total{rule="velocity"} 1');
});

test('the hint does not change the balance the wallet folds to', async () => {
  const burst = await walletWithDebits(5);
  await db.catchUp(fraudHintsSubscriber({ ...db, autoFreeze: false }));
  const { state } = await createWalletRepository(db.store).load(burst);
  expect(state.status === 'active' && state.balanceMinor).toBe(95_000n);
});

test('with FRAUD_AUTO_FREEZE the hint freezes the wallet, once, in the same append', async () => {
  const burst = await walletWithDebits(5);
  const subscriber = fraudHintsSubscriber({ ...db, autoFreeze: true });
  await db.catchUp(subscriber);
  await db.pool.query("delete from projection_checkpoints where name = 'fraud-hints'");
  await db.catchUp(subscriber);
  const events = await streamOf(burst);
  const frozenAt = events.findIndex((event) => event.type === 'WalletFrozen');
  expect(events.filter((event) => event.type === 'WalletFrozen')).toHaveLength(1);
  // The first hint (velocity, or late_night at night) and the freeze: one append, in order.
  const [hint, frozen] = [events[frozenAt - 1]!, events[frozenAt]!];
  expect(hint.type).toBe('FraudSuspected');
  expect(hintsIn(events)[0]!.eventId).toBe(hint.eventId);
  expect(frozen.data.reason).toBe(`fraud hint ${hint.data.hintId}`);
  expect(frozen.position.transactionId).toBe(hint.position.transactionId);
  const { state } = await createWalletRepository(db.store).load(burst);
  expect(state.status).toBe('frozen');
});

