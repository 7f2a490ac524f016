// A row of rm_transfers (transfers and merchant payments, completed or failed) as read back.
// See wallets.rows.ts for why zod's v3 API.
import { z } from 'zod';

export const TransfersRow = z.object({
  transfer_id: z.string(),
  kind: z.string(),
  status: z.string(),
  source_wallet_id: z.string(),
  target_wallet_id: z.string(),
  amount: z.bigint(),
  currency: z.string(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  created_at: z.date(),
});
export type TransfersRow = z.infer<typeof TransfersRow>;
