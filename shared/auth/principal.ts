// Who a verified access token speaks for. Roles and plans are the closed sets of API.md
// ("Auth and users"); a token naming anything else is refused when verified.
import type { UserId } from '../domain/ids';

export const ROLES = ['customer', 'merchant', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PLANS = ['FREE', 'PREMIUM'] as const;
export type Plan = (typeof PLANS)[number];

export type AccessPrincipal = Readonly<{
  userId: UserId;
  /** The login session; equal to the refresh-token family id, and what logout revokes. */
  sessionId: string;
  /** This access token's own id. */
  jti: string;
  roles: readonly Role[];
  plan: Plan;
  expiresAt: Date;
}>;
