// Events of the user aggregate (stream `user-<userId>`), past tense, with their zod schemas.
// Invariants: e-mails are stored trimmed and lower-cased (the schema refuses anything else,
// so the uniqueness reservation and the stream always agree); everyone has the `customer`
// role from registration on. No secret is in an event: the log is read by auditors and can
// never be rewritten, so a password hash lives in the credentials table (written in the same
// transaction as the event, see docs/architecture.md) and the event only says that a
// password was set. Version 1 of UserRegistered and UserPasswordChanged carried the hash;
// their upcasters drop it, and since every reader decodes through them (the stores decode
// on read), they are the one place where old events are redacted. The stored bytes stay as
// they were, so the hash chain still verifies.
import { z } from 'zod/v4';
import { defineEvent, historicVersion, type EventOf } from '../event-definition';
import { UserIdSchema } from '../ids';
import { PLANS } from '../plans/plan-limits';

export const ROLES = ['customer', 'merchant', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const EMAIL_LENGTH_MAX = 254; // RFC 5321 path limit
export const NAME_LENGTH_MAX = 200;
export const PASSWORD_HASH_LENGTH_MAX = 1024;
export const PLAN_REASON_LENGTH_MAX = 200;

/** The one normal form of an e-mail, used for the stream and the uniqueness claim alike. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const NormalizedEmailSchema = z
  .string()
  .min(3)
  .max(EMAIL_LENGTH_MAX)
  .refine((email) => email.includes('@'), 'an e-mail address')
  .refine((email) => email === normalizeEmail(email), 'a trimmed, lower-case e-mail');
const PasswordHashSchema = z.string().min(1).max(PASSWORD_HASH_LENGTH_MAX);
const RoleSchema = z.enum(ROLES);

const registeredShape = {
  userId: UserIdSchema,
  email: NormalizedEmailSchema,
  name: z.string().min(1).max(NAME_LENGTH_MAX),
};
/** Frozen: the first version carried the password hash itself. */
const UserRegisteredV1 = z.strictObject({ ...registeredShape, passwordHash: PasswordHashSchema });
/** A registration always sets a password; the hash is in the credentials table. */
const UserRegisteredV2 = z.strictObject({ ...registeredShape, passwordSet: z.literal(true) });

export const userRegistered = defineEvent('UserRegistered', UserRegisteredV2, [
  historicVersion(UserRegisteredV1, ({ passwordHash: _secret, ...v1 }) => ({
    ...v1,
    passwordSet: true,
  })),
]);
export const userRoleGranted = defineEvent(
  'UserRoleGranted',
  z.strictObject({ userId: UserIdSchema, role: RoleSchema }),
);
export const userRoleRevoked = defineEvent(
  'UserRoleRevoked',
  z.strictObject({ userId: UserIdSchema, role: RoleSchema }),
);
export const userPlanChanged = defineEvent(
  'UserPlanChanged',
  z.strictObject({
    userId: UserIdSchema,
    plan: z.enum(PLANS),
    /** Why, e.g. `subscription_created`, `subscription_deleted`, `operator`. */
    reason: z.string().min(1).max(PLAN_REASON_LENGTH_MAX),
  }),
);
/** Frozen: the first version carried the new password hash itself. */
const UserPasswordChangedV1 = z.strictObject({
  userId: UserIdSchema,
  passwordHash: PasswordHashSchema,
});

export const userPasswordChanged = defineEvent(
  'UserPasswordChanged',
  z.strictObject({ userId: UserIdSchema }),
  [historicVersion(UserPasswordChangedV1, ({ passwordHash: _secret, ...v1 }) => v1)],
);

export const userEventDefinitions = [
  userRegistered,
  userRoleGranted,
  userRoleRevoked,
  userPlanChanged,
  userPasswordChanged,
] as const;

export type UserRegistered = EventOf<typeof userRegistered>;
export type UserRoleGranted = EventOf<typeof userRoleGranted>;
export type UserRoleRevoked = EventOf<typeof userRoleRevoked>;
export type UserPlanChanged = EventOf<typeof userPlanChanged>;
export type UserPasswordChanged = EventOf<typeof userPasswordChanged>;
export type UserEvent = EventOf<(typeof userEventDefinitions)[number]>;
export type UserEventType = UserEvent['type'];
