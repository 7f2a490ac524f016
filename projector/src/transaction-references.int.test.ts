// Goal: rm_wallet_transactions.reference (migrations/0013_transaction_references.sql) holds
// a payment's merchant reference on both sides of the payment; the migration's
// backfill writes, for rows projected before it, exactly what the projection writes, so
// `verify wallets` finds no difference afterwards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendWalletEvents } from '../../shared/audit/testing/ledger-seed';
import { BOB, credited, debited, myr, opened, ALICE } from '../../shared/domain/testing/wallet-fixtures';
import { createProjections } from './projections/registry';
import { verifyProjection } from './rebuild';
import { openProjectorDatabase, projectLive, type ProjectorDatabase } from './testing/projector-database';

const BATCH = 50;
let database: ProjectorDatabase;
beforeEach(async () => {
  database = await openProjectorDatabase();
});
afterEach(() => database.close());

/** The migration's statements after its `alter table`: the backfill alone. */
function backfillSql(): string {
  const file = join(__dirname, '../../migrations/0013_transaction_references.sql');
  const text = readFileSync(file, 'utf8');
  const up = text.split('-- Down Migration')[0]!;
  return up.slice(up.indexOf('update rm_wallet_transactions'));
}

const references = async () => (await database.pool.query<{ wallet_id: string; reference: string }>(
  `select wallet_id, reference from rm_wallet_transactions order by wallet_id, stream_version`,
)).rows.map((row) => [row.wallet_id, row.reference]);

test('references are projected, and the backfill rewrites them exactly', async () => {
  const pay = { kind: 'payment' as const, counterparty: BOB };
  const paid = debited(ALICE, myr(450n), pay);
  const received = credited(BOB, myr(450n), { kind: 'payment', counterparty: ALICE });
  await appendWalletEvents(database.store, [
    [opened(ALICE), credited(ALICE, myr(1_000n))], [opened(BOB)],
  ]);
  await appendWalletEvents(database.store, [
    [{ ...paid, data: { ...paid.data, reference: 'GrabFood lunch' } }],
    [{ ...received, data: { ...received.data, reference: 'GrabFood lunch' } }],
  ]);
  const wallets = createProjections().get('wallets')!;
  await projectLive(database, wallets, BATCH);
  const projected = await references();
  expect(projected).toEqual([
    ['w-alice', null], ['w-alice', 'GrabFood lunch'], ['w-bob', 'GrabFood lunch'],
  ]);

  await database.pool.query('update rm_wallet_transactions set reference = null');
  await database.pool.query(backfillSql());
  expect(await references()).toEqual(projected);
  const verified = await verifyProjection(
    { pool: database.pool, store: database.store, batchSizeMax: BATCH }, wallets);
  expect(verified.differences).toEqual([]);
});
