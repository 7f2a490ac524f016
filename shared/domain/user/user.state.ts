// The state of one user, folded from `user-<userId>`, and its evolve.
// Invariants (asserted here, enforced first by the user decider): a user is registered
// once; `customer` is always among the roles; a role is granted only when missing and
// revoked only when held; the plan starts FREE.
import { assert, assertNever } from '../../errors/assert';
import type { UserId } from '../ids';
import type { Plan } from '../plans/plan-limits';
import type { Role, UserEvent } from './user.events';

export type AbsentUser = Readonly<{ status: 'absent' }>;
export type RegisteredUser = Readonly<{
  status: 'registered';
  userId: UserId;
  email: string;
  name: string;
  roles: ReadonlySet<Role>;
  plan: Plan;
}>;
export type UserState = AbsentUser | RegisteredUser;

const ABSENT: AbsentUser = Object.freeze({ status: 'absent' });
export const initialUserState = (): UserState => ABSENT;

export function evolveUser(state: UserState, event: UserEvent): UserState {
  if (event.type === 'UserRegistered') {
    assert(state.status === 'absent', 'a user registers once');
    const roles: ReadonlySet<Role> = new Set<Role>(['customer']);
    const { userId, email, name } = event.data;
    return { status: 'registered', userId, email, name, roles, plan: 'FREE' };
  }
  assert(state.status === 'registered', `${event.type} follows UserRegistered`);
  assert(state.userId === event.data.userId, 'an event belongs to its own user');
  switch (event.type) {
    case 'UserRoleGranted': {
      assert(!state.roles.has(event.data.role), 'a role is granted when missing');
      return { ...state, roles: new Set([...state.roles, event.data.role]) };
    }
    case 'UserRoleRevoked': {
      const { role } = event.data;
      assert(role !== 'customer', 'everyone keeps the customer role');
      assert(state.roles.has(role), 'a role is revoked when held');
      return { ...state, roles: new Set([...state.roles].filter((held) => held !== role)) };
    }
    case 'UserPlanChanged':
      return { ...state, plan: event.data.plan };
    case 'UserPasswordChanged':
      return state; // The hash is in the credentials table, not in the state.
    default:
      return assertNever(event);
  }
}
