// GET /v1/wallets/:walletId/statements/:yyyy-mm: a wallet's monthly statement. The month is
// a calendar month in Asia/Kuala_Lumpur (shared/domain/insights/month.ts). Every movement
// recorded in it is listed in log order, failed attempts too (marked, never counted);
// opening + totalIn − totalOut = closing, exact to the minor unit. A month that has not
// started is refused (400); any earlier month is available on every plan.
import { DomainError } from '../../../shared/errors/domain-error';
import { categoryOf } from '../../../shared/domain/insights/categories';
import {
  formatMonth, MONTH_ZONE, monthBounds, monthOf, monthsBetween, parseMonth, type Month,
} from '../../../shared/domain/insights/month';
import { isCompleted, sumMinor } from '../../../shared/domain/insights/movement';
import type { ReadDatabase } from '../../../shared/ports/read-database.port';
import { balanceBefore, movementsIn, type PeriodMovement } from './movement-queries';
import type { StatementView } from './insights.schemas';

/** The month asked for, if it has started by `now`. */
export function startedMonth(text: string, now: Date): Month {
  const month = parseMonth(text);
  if (monthsBetween(month, monthOf(now)) < 0) {
    throw new DomainError('invalid_request', `${text} has not started yet`);
  }
  return month;
}

export async function monthlyStatement(
  db: ReadDatabase,
  wallet: Readonly<{ walletId: string; currency: string }>,
  month: Month,
): Promise<StatementView> {
  const { start, end } = monthBounds(month);
  const [openingMinor, movements] = await Promise.all([
    balanceBefore(db, wallet.walletId, start),
    movementsIn(db, wallet.walletId, { from: start, to: end }),
  ]);
  const completed = movements.filter(isCompleted);
  const totalInMinor = sumMinor(completed.filter((m) => m.direction === 'credit'));
  const totalOutMinor = sumMinor(completed.filter((m) => m.direction === 'debit'));
  const closingMinor = openingMinor + totalInMinor - totalOutMinor;
  return {
    walletId: wallet.walletId,
    month: formatMonth(month),
    timeZone: MONTH_ZONE,
    from: start.toISOString(),
    to: end.toISOString(),
    currency: wallet.currency,
    openingBalance: openingMinor.toString(),
    closingBalance: closingMinor.toString(),
    totalIn: totalInMinor.toString(),
    totalOut: totalOutMinor.toString(),
    movements: movements.map(statementLine),
  };
}

const statementLine = (movement: PeriodMovement) => ({
  transactionId: movement.movementId,
  kind: movement.kind,
  direction: movement.direction,
  amount: movement.amountMinor.toString(),
  balanceAfter: movement.balanceAfterMinor.toString(),
  counterpartyWalletId: movement.counterpartyWalletId,
  status: movement.status,
  category: categoryOf(movement),
  note: movement.note,
  reference: movement.reference,
  createdAt: movement.at.toISOString(),
});
