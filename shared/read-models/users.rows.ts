// A row of rm_users (profile, roles and plan; never a password hash) as read back. See
// wallets.rows.ts for why zod's v3 API.
import { z } from 'zod';

export const UsersRow = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  plan: z.string(),
  registered_at: z.date(),
  version: z.bigint(),
});
export type UsersRow = z.infer<typeof UsersRow>;
