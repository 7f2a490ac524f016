// The whole check for a request's access token: parse the Authorization header, verify the
// JWT (AccessTokens), then refuse it if its session was logged out (SessionRevocation).
// Missing or non-Bearer credentials are `unauthenticated`; a bad, expired or revoked token
// is `invalid_token` (both 401). The HTTP plugin that calls this is the services' business.
import { DomainError } from '../errors/domain-error';
import type { AccessPrincipal } from './principal';
import type { AccessTokens } from './tokens';

/** What the authenticator needs of SessionRevocation; a narrow seam for tests. */
export type SessionRevocationCheck = Readonly<{
  isRevoked(sessionId: string): Promise<boolean>;
}>;

const BEARER_PATTERN = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

export class AccessAuthenticator {
  constructor(
    private readonly tokens: Pick<AccessTokens, 'verify'>,
    private readonly revocations: SessionRevocationCheck,
  ) {}

  async authenticate(authorizationHeader: string | undefined): Promise<AccessPrincipal> {
    const match = authorizationHeader === undefined
      ? null
      : BEARER_PATTERN.exec(authorizationHeader.trim());
    if (match === null) {
      throw new DomainError('unauthenticated', 'a Bearer access token is required');
    }
    const principal = this.tokens.verify(match[1]!);
    if (await this.revocations.isRevoked(principal.sessionId)) {
      throw new DomainError('invalid_token', 'the access token is invalid or expired');
    }
    return principal;
  }
}
