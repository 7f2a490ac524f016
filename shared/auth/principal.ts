// Who a verified access token speaks for. Roles and plans are the closed sets of docs/api.md
// ("Auth and users"); a token naming anything else is refused when verified.
import type { UserId } from '../domain/ids';
import type { Plan } from '../domain/plans/plan-limits';
import type { Role } from '../domain/user/user.events';

// The domain owns the sets; auth re-exports them so token code reads from one place.
export { PLANS, type Plan } from '../domain/plans/plan-limits';
export { ROLES, type Role } from '../domain/user/user.events';

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
