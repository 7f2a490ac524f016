// Cursor pagination shared by every list route: `?limit=` 1-100 (default 20), `?cursor=` an
// opaque token; responses are `{ items, nextCursor }`.
import { z } from 'zod/v4';
import { DomainError } from '../errors/domain-error';

export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 20;

export const PageQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/)
    .optional(),
  cursor: z.string().max(200).optional(),
});

export function pageLimit(raw: string | undefined): number {
  if (raw === undefined) return PAGE_LIMIT_DEFAULT;
  const limit = Number.parseInt(raw, 10);
  if (limit < 1 || limit > PAGE_LIMIT_MAX) {
    throw new DomainError('invalid_request', `limit must be between 1 and ${PAGE_LIMIT_MAX}`);
  }
  return limit;
}

export const encodeCursor = (value: string): string =>
  Buffer.from(value, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(value)) throw new DomainError('invalid_request', 'cursor is not valid');
  return value;
}

export function page<T>(rows: T[], limit: number, cursorOf: (row: T) => string) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null;
  return { items, nextCursor };
}
