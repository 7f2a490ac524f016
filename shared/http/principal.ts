// Who is calling. Set by the authenticate hook from a verified access token; routes read it
// with `principalOf(request)`, which refuses a request that skipped authentication.
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import type { AccessPrincipal, Role } from '../auth/principal';

export type Principal = AccessPrincipal;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('unauthenticated', 'a bearer token is required');
  return request.principal;
}

export const hasRole = (principal: Principal, ...roles: Role[]) =>
  roles.some((role) => principal.roles.includes(role));

export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!hasRole(principal, ...roles)) {
    throw new DomainError('forbidden', `requires one of the roles: ${roles.join(', ')}`);
  }
}

/** Auditors and admins read everything; everyone else reads only what they own. */
export const canReadAnything = (principal: Principal) => hasRole(principal, 'admin', 'auditor');
