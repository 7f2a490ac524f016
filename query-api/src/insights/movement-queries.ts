// SQL over rm_wallet_transactions for statements and insights: a wallet's movements in a
// period (log order) and its balance at an instant. A movement belongs to a period by its
// recorded instant (created_at); the balance before an instant is the sum of the completed
// movements recorded before it, so opening + in − out = closing holds by construction for
// any period, whatever the order of versions and instants at its edges.
import { sql } from 'slonik';
import { z } from 'zod';
import type { Movement } from '../../../shared/domain/insights/movement';
import type { ReadDatabase } from '../../../shared/ports/read-database.port';
import { WalletTransactionsRow } from '../../../shared/read-models/wallet-transactions.rows';

/** Rows read per query. */
export const MOVEMENT_PAGE_ROWS = 1_000;
/** Rows one statement or insight reads at most (a period with more is refused). */
export const PERIOD_MOVEMENTS_MAX = 100_000;

const PeriodRow = WalletTransactionsRow.omit({ wallet_id: true });
type PeriodRow = z.infer<typeof PeriodRow>;

export type PeriodMovement = Movement & Readonly<{ balanceAfterMinor: bigint; currency: string }>;

const toMovement = (row: PeriodRow): PeriodMovement => ({
  movementId: row.transaction_id,
  kind: row.kind,
  direction: row.direction,
  amountMinor: row.amount,
  counterpartyWalletId: row.counterparty_wallet_id,
  status: row.status,
  note: row.note,
  reference: row.reference,
  at: row.created_at,
  balanceAfterMinor: row.balance_after,
  currency: row.currency,
});

/** Movements recorded in [from, to), in stream (log) order, failed attempts included. */
export async function movementsIn(
  db: ReadDatabase,
  walletId: string,
  period: Readonly<{ from: Date; to: Date }>,
): Promise<PeriodMovement[]> {
  const movements: PeriodMovement[] = [];
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  let after = '0';
  for (let pages = 0; pages * MOVEMENT_PAGE_ROWS < PERIOD_MOVEMENTS_MAX; pages += 1) {
    const rows = await db.any(sql.type(PeriodRow)`
      select stream_version, transaction_id, kind, direction, amount, currency, balance_after,
             counterparty_wallet_id, status, note, reference, created_at
        from rm_wallet_transactions
       where wallet_id = ${walletId} and stream_version > ${after}
         and created_at >= ${from} and created_at < ${to}
       order by stream_version limit ${MOVEMENT_PAGE_ROWS}`);
    movements.push(...rows.map(toMovement));
    if (rows.length < MOVEMENT_PAGE_ROWS) return movements;
    after = rows.at(-1)!.stream_version.toString();
  }
  throw new Error(`more than ${PERIOD_MOVEMENTS_MAX} movements in one period`);
}

const BalanceRow = z.object({ balance: z.bigint() });

/** The wallet's balance just before `instant`: completed credits minus debits recorded before. */
export async function balanceBefore(
  db: ReadDatabase,
  walletId: string,
  instant: Date,
): Promise<bigint> {
  const row = await db.one(sql.type(BalanceRow)`
    select coalesce(sum(case when direction = 'credit' then amount else -amount end), 0)::int8
             as balance
      from rm_wallet_transactions
     where wallet_id = ${walletId} and status = 'completed'
       and created_at < ${instant.toISOString()}`);
  return row.balance;
}

const WalletStateRow = z.object({
  currency: z.string(), version: z.bigint(), owner_id: z.string().nullable(),
  plan: z.string().nullable(),
});

/** What an insight depends on besides movements: currency, version, and the owner's plan. */
export async function walletInsightState(db: ReadDatabase, walletId: string) {
  return db.maybeOne(sql.type(WalletStateRow)`
    select w.currency, w.version, w.owner_id, u.plan
      from rm_wallets w left join rm_users u on u.user_id = w.owner_id
     where w.wallet_id = ${walletId}`);
}
