// Commands of the user aggregate. Ids come in the command; passwords arrive already hashed
// (hashing is slow and salted, so it happens in the handler, outside the pure decider).
import type { UserId } from '../ids';
import type { Plan } from '../plans/plan-limits';

export type RegisterUser = Readonly<{
  type: 'RegisterUser';
  userId: UserId;
  email: string; // normalized by the decider: trimmed, lower-cased
  name: string;
  passwordHash: string;
}>;
/** `role` is a string because operators type it (tng users grant-role); unknown: role_unknown. */
export type GrantRole = Readonly<{ type: 'GrantRole'; userId: UserId; role: string }>;
export type RevokeRole = Readonly<{ type: 'RevokeRole'; userId: UserId; role: string }>;
export type ChangePlan = Readonly<{
  type: 'ChangePlan';
  userId: UserId;
  plan: Plan;
  reason: string;
}>;
export type ChangePassword = Readonly<{
  type: 'ChangePassword';
  userId: UserId;
  passwordHash: string;
}>;

export type UserCommand = RegisterUser | GrantRole | RevokeRole | ChangePlan | ChangePassword;
