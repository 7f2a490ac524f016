// The rejections of the user decider, with stable codes from shared/errors/codes.ts.
import { DomainError } from '../../errors/domain-error';

export const userErrors = {
  notFound: (userId: string) =>
    new DomainError('not_found', `user ${userId} not found`, { userId }),
  alreadyExists: (userId: string) =>
    new DomainError('already_exists', `user ${userId} already exists`, { userId }),
  roleUnknown: (role: string) =>
    new DomainError('role_unknown', 'unknown role', { role: role.slice(0, 50) }),
  roleNotRevocable: (role: string) =>
    new DomainError('role_not_revocable', `the ${role} role is never revoked`, { role }),
} as const;
