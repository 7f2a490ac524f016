// Decides the user commands. Precedence, pinned by tests:
//   register:       already_exists (any user on this stream) > UserRegistered
//   grantRole:      not_found > role_unknown > already held (no events) > UserRoleGranted
//   revokeRole:     not_found > role_unknown > role_not_revocable (customer) > not held (no
//                   events) > UserRoleRevoked
//   changePlan:     not_found > same plan (no events) > UserPlanChanged
//   changePassword: not_found > UserPasswordChanged (a retry writes the same event id)
// E-mail uniqueness is not decided here: the handler claims the normalized e-mail in the
// same transaction as UserRegistered (email_taken).
import { assertNever } from '../../errors/assert';
import type { Decider } from '../decider';
import type { UserId } from '../ids';
import type {
  ChangePassword,
  ChangePlan,
  GrantRole,
  RegisterUser,
  RevokeRole,
  UserCommand,
} from './user.commands';
import { userErrors } from './user.errors';
import { normalizeEmail, ROLES, type Role, type UserEvent } from './user.events';
import { evolveUser, initialUserState, type RegisteredUser, type UserState } from './user.state';

export const isRole = (role: string): role is Role => (ROLES as readonly string[]).includes(role);

export function register(command: RegisterUser, state: UserState): UserEvent[] {
  if (state.status !== 'absent') throw userErrors.alreadyExists(command.userId);
  const { userId, name } = command;
  const email = normalizeEmail(command.email);
  return [{ type: 'UserRegistered', data: { userId, email, name, passwordSet: true } }];
}

export function grantRole(command: GrantRole, state: UserState): UserEvent[] {
  const user = requireUser(state, command.userId);
  const { role } = command;
  if (!isRole(role)) throw userErrors.roleUnknown(role);
  if (user.roles.has(role)) return [];
  return [{ type: 'UserRoleGranted', data: { userId: user.userId, role } }];
}

export function revokeRole(command: RevokeRole, state: UserState): UserEvent[] {
  const user = requireUser(state, command.userId);
  const { role } = command;
  if (!isRole(role)) throw userErrors.roleUnknown(role);
  if (role === 'customer') throw userErrors.roleNotRevocable(role);
  if (!user.roles.has(role)) return [];
  return [{ type: 'UserRoleRevoked', data: { userId: user.userId, role } }];
}

export function changePlan(command: ChangePlan, state: UserState): UserEvent[] {
  const user = requireUser(state, command.userId);
  if (user.plan === command.plan) return [];
  const data = { userId: user.userId, plan: command.plan, reason: command.reason };
  return [{ type: 'UserPlanChanged', data }];
}

export function changePassword(command: ChangePassword, state: UserState): UserEvent[] {
  const user = requireUser(state, command.userId);
  return [{ type: 'UserPasswordChanged', data: { userId: user.userId } }];
}

function requireUser(state: UserState, userId: UserId): RegisteredUser {
  if (state.status === 'absent') throw userErrors.notFound(userId);
  return state;
}

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      return register(command, state);
    case 'GrantRole':
      return grantRole(command, state);
    case 'RevokeRole':
      return revokeRole(command, state);
    case 'ChangePlan':
      return changePlan(command, state);
    case 'ChangePassword':
      return changePassword(command, state);
    default:
      return assertNever(command);
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = Object.freeze({
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
});
