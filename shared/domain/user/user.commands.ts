// Commands of the user aggregate. Ids come in the command. Passwords and their hashes never
// reach the decider: the handler hashes (slow, salted) and writes the hash to the credentials
// table in the same append; the events only record that a password was set.
import type { UserId } from '../ids';
import type { Plan } from '../plans/plan-limits';

export type RegisterUser = Readonly<{
  type: 'RegisterUser';
  userId: UserId;
  email: string; // normalized by the decider: trimmed, lower-cased
  name: string;
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
export type ChangePassword = Readonly<{ type: 'ChangePassword'; userId: UserId }>;

export type UserCommand = RegisterUser | GrantRole | RevokeRole | ChangePlan | ChangePassword;
