// A row of rm_wallets as read back (migrations/0003_read_models.sql): one schema for every
// reader of the table, which queries pick their columns from. int8 arrives as bigint (the
// runtime's type parsers), so amounts never pass through a float. zod's v3 API, the one
// slonik 47 takes (the HTTP schemas use zod/v4).
import { z } from 'zod';

export const WalletsRow = z.object({
  wallet_id: z.string(),
  owner_id: z.string().nullable(),
  kind: z.string(),
  system_account: z.string().nullable(),
  currency: z.string(),
  balance: z.bigint(),
  held: z.bigint(),
  status: z.string(),
  version: z.bigint(),
  opened_at: z.date(),
  updated_at: z.date(),
});
export type WalletsRow = z.infer<typeof WalletsRow>;
