// A row of rm_top_ups (one per card top-up, with its public status) as read back.
// See wallets.rows.ts for why zod's v3 API.
import { z } from 'zod';

export const TopUpsRow = z.object({
  top_up_id: z.string(),
  wallet_id: z.string(),
  amount: z.bigint(),
  currency: z.string(),
  status: z.enum(['pending', 'completed', 'failed', 'expired']),
  requested_at: z.date(),
  version: z.bigint(),
});
export type TopUpsRow = z.infer<typeof TopUpsRow>;
