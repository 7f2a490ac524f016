// A monthly statement as CSV (Accept: text/csv): one table, the same values as the JSON. The
// first line after the header is the opening balance and the last the closing balance
// (kind opening_balance / closing_balance, balanceAfter set, the rest empty); between them
// every movement in log order. Amounts are minor-unit digits. Quoting and the
// formula-injection guard are shared/csv/csv.ts's.
import { csvLine, csvNumber } from '../../../shared/csv/csv';
import type { StatementView } from './insights.schemas';

export const STATEMENT_CSV_COLUMNS = [
  'transactionId', 'kind', 'direction', 'amount', 'currency', 'balanceAfter',
  'counterpartyWalletId', 'status', 'category', 'note', 'reference', 'createdAt',
] as const;

export function statementCsv(statement: StatementView): string {
  const { currency } = statement;
  const balanceLine = (kind: string, balance: string, at: string) =>
    csvLine([null, kind, null, null, currency, csvNumber(balance), null, null, null, null, null,
      at]);
  return [
    csvLine(STATEMENT_CSV_COLUMNS),
    balanceLine('opening_balance', statement.openingBalance, statement.from),
    ...statement.movements.map((m) => csvLine([
      m.transactionId, m.kind, m.direction, csvNumber(m.amount), currency,
      csvNumber(m.balanceAfter), m.counterpartyWalletId, m.status, m.category, m.note,
      m.reference, m.createdAt,
    ])),
    balanceLine('closing_balance', statement.closingBalance, statement.to),
  ].join('');
}
