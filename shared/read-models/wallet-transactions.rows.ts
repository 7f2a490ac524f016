// A row of rm_wallet_transactions (a wallet's history) as read back: one per side of each
// movement, or one failed row on the source of a refused one. See wallets.rows.ts for why
// zod's v3 API.
import { z } from 'zod';

/** What a history row records: the kind of movement, as the history filter names it. */
export const HISTORY_KINDS = ['transfer', 'payment', 'top_up', 'hold', 'adjustment'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export const WalletTransactionsRow = z.object({
  wallet_id: z.string(),
  stream_version: z.bigint(),
  transaction_id: z.string(),
  kind: z.enum(HISTORY_KINDS),
  direction: z.enum(['debit', 'credit']),
  amount: z.bigint(),
  currency: z.string(),
  balance_after: z.bigint(),
  counterparty_wallet_id: z.string().nullable(),
  status: z.enum(['completed', 'failed']),
  note: z.string().nullable(),
  /** A payment's merchant reference (migrations/0013_transaction_references.sql). */
  reference: z.string().nullable(),
  created_at: z.date(),
});
export type WalletTransactionsRow = z.infer<typeof WalletTransactionsRow>;
