// Goal: the top-up timeout against real Postgres. Its subscription keeps the open top-ups
// from the log; a sweep expires, through the saga's decider, exactly the top-ups still open past
// the timeout (a paid one is left alone, however old), once: a second sweep, or a sweep with
// a timeout not yet reached, appends nothing; settled top-ups leave the saga's table.
import { createTopUpRepository } from '../../../shared/aggregates/topup.aggregate';
import { toNewEvent } from '../../../shared/audit/testing/ledger-seed';
import { foldEvents } from '../../../shared/domain/decider';
import { walletId } from '../../../shared/domain/ids';
import { money } from '../../../shared/domain/money/money';
import { topUpId, topUpStreamId, type TopUpEvent } from '../../../shared/domain/topup/topup.events';
import { nextAction, topUpDecider, type TopUpInput } from '../../../shared/domain/topup/topup.saga';
import { openSagaDatabase } from '../testing/saga-database';
import { openTopUpsSubscriber } from './open-top-ups.subscriber';
import { sweepExpiredTopUps } from './top-up-expiry.sweep';

type SagaDatabase = Awaited<ReturnType<typeof openSagaDatabase>>;
let db: SagaDatabase;
beforeEach(async () => {
  db = await openSagaDatabase();
});
afterEach(() => db.close());

const now = new Date();

async function seedTopUp(id: string, paid: boolean): Promise<void> {
  const inputs: TopUpInput[] = [
    { type: 'RequestTopUp', topUpId: topUpId(id), walletId: walletId('w-1'), amount: money('MYR', 100n), now },
    ...(paid ? [{ type: 'StripePaid', stripeEventId: `evt_${id}`, now } as const] : []),
  ];
  const events = inputs.reduce<readonly TopUpEvent[]>(
    (done, input) => [...done, ...nextAction(input, foldEvents(topUpDecider, done))],
    [],
  );
  const streamId = topUpStreamId(topUpId(id));
  const append = { streamId, expectedVersion: 'no-stream' as const, events: events.map(toNewEvent) };
  await db.store.append({ streams: [append] });
}

const sweep = (expirySeconds: number) => {
  const topUps = createTopUpRepository(db.store);
  return sweepExpiredTopUps({ ...db, topUps, expirySeconds, batchSizeMax: 10 });
};

const statusOf = async (id: string) =>
  (await createTopUpRepository(db.store).load(id)).state.status;

const openRows = async () =>
  (await db.pool.query<{ top_up_id: string }>('select top_up_id from saga_topup_open order by 1'))
    .rows.map((row) => row.top_up_id);

test('expires the open top-ups past the timeout, once; a paid one is left alone', async () => {
  await seedTopUp('tu-open', false);
  await seedTopUp('tu-paid', true);
  await db.catchUp(openTopUpsSubscriber);
  expect(await openRows()).toEqual(['tu-open']);
  expect(await sweep(3_600)).toBe(0);
  expect(await statusOf('tu-open')).toBe('requested');
  expect(await sweep(0)).toBe(1);
  expect(await sweep(0)).toBe(0);
  expect([await statusOf('tu-open'), await statusOf('tu-paid')]).toEqual(['expired', 'paid']);
  await db.catchUp(openTopUpsSubscriber);
  expect(await openRows()).toEqual([]);
});
