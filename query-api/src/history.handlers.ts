// Wallet history with filters, as a page of JSON or (Accept: text/csv) as the whole filtered
// range in CSV, and one money movement by its id. The routes live in query-api.plugin.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod/v4';
import { DomainError } from '../../shared/errors/domain-error';
import type { ReadDatabase } from '../../shared/ports/read-database.port';
import { canReadAnything, principalOf } from '../../shared/http/principal';
import { decodeCursor, page, pageLimit, PageQuerySchema } from '../../shared/http/pagination';
import { IdSchema } from '../../shared/http/schemas';
import { parseInstant } from '../../shared/time/instant';
import { findMovement, listTransactions, type HistoryFilter } from './history-queries';
import { InstantQuerySchema } from './instant-query';
import { HISTORY_KINDS } from '../../shared/read-models/wallet-transactions.rows';
import type { MovementView } from './movement.schemas';
import { transactionCsvLine, transactionsCsvHeader } from './transactions-csv';

export const HistoryQuerySchema = PageQuerySchema.extend({
  from: InstantQuerySchema.optional(),
  to: InstantQuerySchema.optional(),
  kind: z.enum(HISTORY_KINDS).optional(),
  counterpartyWalletId: IdSchema.optional(),
});
type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

/** Rows read per query while writing a CSV export. */
const CSV_PAGE_ROWS = 1_000;

/**
 * CSV when the client prefers text/csv to JSON: of the media ranges in Accept, by quality
 * (ties in the order given), the first that names either decides; JSON when none does.
 */
export function wantsCsv(request: FastifyRequest): boolean {
  const ranges = (request.headers.accept ?? '').split(',').map((range, index) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return { type, quality: q ? Number(q.slice(2)) : 1, index };
  }).filter((range) => range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  const decisive = ranges.find((range) =>
    ['text/csv', 'application/json', 'application/*', '*/*'].includes(range.type));
  return decisive?.type === 'text/csv';
}

function filterOf(query: HistoryQuery): HistoryFilter {
  const filter = {
    ...(query.from ? { from: parseInstant(query.from)! } : {}),
    ...(query.to ? { to: parseInstant(query.to)! } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.counterpartyWalletId ? { counterpartyWalletId: query.counterpartyWalletId } : {}),
  };
  if (filter.from && filter.to && filter.from > filter.to) {
    throw new DomainError('invalid_request', 'from must not be after to');
  }
  return filter;
}

export async function historyPage(db: ReadDatabase, walletId: string, query: HistoryQuery) {
  const limit = pageLimit(query.limit);
  const before = decodeCursor(query.cursor, /^[0-9]{1,19}$/);
  const rows = await listTransactions(
    db, walletId, filterOf(query), before === undefined ? undefined : BigInt(before), limit + 1,
  );
  const { items, nextCursor } = page(rows, limit, (row) => row.version.toString());
  return { items: items.map((row) => row.item), nextCursor };
}

/** Every row of the filtered range (the cursor and limit do not apply), newest first. */
export async function historyCsv(
  db: ReadDatabase,
  walletId: string,
  query: HistoryQuery,
  reply: FastifyReply,
): Promise<void> {
  const filter = filterOf(query);
  const chunks = [transactionsCsvHeader()];
  for (let before: bigint | undefined; ;) {
    const rows = await listTransactions(db, walletId, filter, before, CSV_PAGE_ROWS);
    chunks.push(...rows.map((row) => transactionCsvLine(row.item)));
    if (rows.length < CSV_PAGE_ROWS) break;
    before = rows.at(-1)!.version;
  }
  await reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${walletId}-transactions.csv"`)
    .send(chunks.join(''));
}

export async function movementById(
  db: ReadDatabase,
  request: FastifyRequest,
  transactionId: string,
): Promise<MovementView> {
  const principal = principalOf(request);
  const viewer = canReadAnything(principal) ? null : principal.userId;
  const movement = await findMovement(db, transactionId, viewer);
  if (!movement) throw new DomainError('not_found', 'no such resource');
  return movement;
}
