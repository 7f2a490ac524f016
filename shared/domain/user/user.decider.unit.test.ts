// Goal: every user command, every rejection code and each decider's precedence; and the
// state the events fold into (roles, plan).
import { userId } from '../ids';
import { spec } from '../testing/spec';
import type { UserCommand } from './user.commands';
import { userDecider } from './user.decider';
import type { UserEvent, UserRegistered } from './user.events';
import { evolveUser, initialUserState } from './user.state';

const AISYAH = userId('u-aisyah');
const registered: UserRegistered = {
  type: 'UserRegistered',
  data: { userId: AISYAH, email: 'aisyah@example.my', name: 'Aisyah', passwordSet: true },
};
const granted = (role: 'merchant' | 'admin' | 'auditor'): UserEvent => ({
  type: 'UserRoleGranted',
  data: { userId: AISYAH, role },
});
const grant = (role: string): UserCommand => ({ type: 'GrantRole', userId: AISYAH, role });
const revoke = (role: string): UserCommand => ({ type: 'RevokeRole', userId: AISYAH, role });
const changePlan = (plan: 'FREE' | 'PREMIUM'): UserCommand => ({
  type: 'ChangePlan',
  userId: AISYAH,
  plan,
  reason: 'subscription_created',
});
const changePassword: UserCommand = { type: 'ChangePassword', userId: AISYAH };

describe('register', () => {
  const command: UserCommand = {
    type: 'RegisterUser',
    userId: AISYAH,
    email: '  Aisyah@Example.MY ',
    name: 'Aisyah',
  };

  test('registers with a trimmed, lower-case e-mail', () =>
    spec(userDecider)([]).when(command).then([registered]));

  test('refuses a user that already exists', () =>
    spec(userDecider)([registered]).when(command).thenRejects('already_exists'));

  test('a new user is a FREE customer', () => {
    const state = evolveUser(initialUserState(), registered);
    expect(state).toEqual(expect.objectContaining({ plan: 'FREE', roles: new Set(['customer']) }));
  });
});

describe('grantRole and revokeRole', () => {
  test('grants a missing role, and returns no events for a role already held', () => {
    spec(userDecider)([registered])
      .when(grant('merchant'))
      .then([granted('merchant')]);
    spec(userDecider)([registered, granted('merchant')])
      .when(grant('merchant'))
      .then([]);
    spec(userDecider)([registered]).when(grant('customer')).then([]);
  });

  test('revokes a held role, and returns no events for a role not held', () => {
    spec(userDecider)([registered, granted('admin')])
      .when(revoke('admin'))
      .then([{ type: 'UserRoleRevoked', data: { userId: AISYAH, role: 'admin' } }]);
    spec(userDecider)([registered]).when(revoke('auditor')).then([]);
  });

  test('grant precedence: not_found > role_unknown', () => {
    spec(userDecider)([]).when(grant('wizard')).thenRejects('not_found');
    spec(userDecider)([registered]).when(grant('wizard')).thenRejects('role_unknown');
  });

  test('revoke precedence: not_found > role_unknown > role_not_revocable', () => {
    spec(userDecider)([]).when(revoke('customer')).thenRejects('not_found');
    spec(userDecider)([registered]).when(revoke('wizard')).thenRejects('role_unknown');
    spec(userDecider)([registered]).when(revoke('customer')).thenRejects('role_not_revocable');
  });

  test('roles fold as granted and revoked', () => {
    const events: UserEvent[] = [
      registered,
      granted('merchant'),
      granted('admin'),
      { type: 'UserRoleRevoked', data: { userId: AISYAH, role: 'merchant' } },
    ];
    const state = events.reduce(evolveUser, initialUserState());
    expect(state).toEqual(expect.objectContaining({ roles: new Set(['customer', 'admin']) }));
  });
});

describe('changePlan and changePassword', () => {
  test('changes the plan, and returns no events for the current plan', () => {
    spec(userDecider)([registered])
      .when(changePlan('PREMIUM'))
      .then([
        {
          type: 'UserPlanChanged',
          data: { userId: AISYAH, plan: 'PREMIUM', reason: 'subscription_created' },
        },
      ]);
    spec(userDecider)([registered]).when(changePlan('FREE')).then([]);
  });

  test('records that the password was set, never the hash itself', () => {
    spec(userDecider)([registered])
      .when(changePassword)
      .then([{ type: 'UserPasswordChanged', data: { userId: AISYAH } }]);
  });

  test('refuses an unknown user', () => {
    spec(userDecider)([]).when(changePlan('PREMIUM')).thenRejects('not_found');
    spec(userDecider)([]).when(changePassword).thenRejects('not_found');
  });
});
