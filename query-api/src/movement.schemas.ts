// Response schemas of the history and movement routes (zod, the same shapes the handlers
// return; Fastify checks and serialises replies with them and the OpenAPI document shows them).
import { z } from 'zod/v4';
import { HISTORY_KINDS } from '../../shared/read-models/wallet-transactions.rows';

const Digits = z.string().regex(/^-?[0-9]+$/).meta({ description: 'minor units' });
const Status = z.enum(['completed', 'failed']);

export const TransactionItemSchema = z.object({
  transactionId: z.string(),
  kind: z.enum(HISTORY_KINDS),
  direction: z.enum(['debit', 'credit']),
  amount: Digits,
  currency: z.string(),
  balanceAfter: Digits,
  counterpartyWalletId: z.string().nullable(),
  status: Status,
  note: z.string().nullable(),
  createdAt: z.string(),
});

export const TransactionPageSchema = z.object({
  items: z.array(TransactionItemSchema),
  nextCursor: z.string().nullable(),
});

/** GET /v1/transactions/:transactionId: one money movement, seen from both sides. */
export const MovementSchema = z.object({
  transactionId: z.string(),
  kind: z.enum(HISTORY_KINDS),
  status: Status,
  sourceWalletId: z.string(),
  targetWalletId: z.string(),
  amount: Digits,
  currency: z.string(),
  createdAt: z.string(),
  note: z.string().optional(),
  /** An adjustment's reason, or a failed movement's rejection code. */
  reason: z.string().optional(),
});
export type MovementView = z.infer<typeof MovementSchema>;
