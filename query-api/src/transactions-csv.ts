// A wallet's history as CSV (GET /v1/wallets/:walletId/transactions with Accept: text/csv):
// the same columns as the JSON items, amounts in minor units as digit strings (as in JSON),
// every row of the filtered range, newest first. Quoting and the formula-injection guard are
// shared/csv/csv.ts's.
import { csvLine, csvNumber } from '../../shared/csv/csv';
import type { TransactionView } from './history-queries';

export const TRANSACTION_CSV_COLUMNS = [
  'transactionId', 'kind', 'direction', 'amount', 'currency', 'balanceAfter',
  'counterpartyWalletId', 'status', 'note', 'createdAt',
] as const;

export const transactionsCsvHeader = (): string => csvLine(TRANSACTION_CSV_COLUMNS);

export const transactionCsvLine = (item: TransactionView): string =>
  csvLine([
    item.transactionId, item.kind, item.direction, csvNumber(item.amount), item.currency,
    csvNumber(item.balanceAfter), item.counterpartyWalletId, item.status, item.note,
    item.createdAt,
  ]);
