// The refresh token of a browser session (docs/api.md, "Browser sessions"): an HttpOnly,
// SameSite=Strict cookie scoped to /v1/auth, Secure when the request came over HTTPS (as
// TRUST_PROXY lets a proxy tell), so page scripts never see it and other sites never send
// it. A refresh that reads the cookie must come from a page of this server: its Origin must
// be the server's own origin.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REFRESH_TOKEN_TTL_MS_DEFAULT } from '../../../shared/auth/refresh-token.store';
import { DomainError } from '../../../shared/errors/domain-error';

export const REFRESH_COOKIE = 'tng_refresh';
const COOKIE_PATH = '/v1/auth';
/** As long as a refresh token lives; the store still decides whether it is valid. */
const COOKIE_MAX_AGE_SECONDS = REFRESH_TOKEN_TTL_MS_DEFAULT / 1000;

const attributes = (request: FastifyRequest) =>
  `Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`;

export function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, token: string) {
  // Refresh tokens are URL-safe text (REFRESH_TOKEN_PATTERN), valid as a cookie value as is.
  void reply.header('set-cookie',
    `${REFRESH_COOKIE}=${token}; Max-Age=${COOKIE_MAX_AGE_SECONDS}; ${attributes(request)}`);
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply) {
  void reply.header('set-cookie', `${REFRESH_COOKIE}=; Max-Age=0; ${attributes(request)}`);
}

/** The session cookie's refresh token, if the request carries one. */
export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === REFRESH_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

/** Refuses a cookie refresh whose Origin is absent or another site's. */
export function requireOwnOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  const own = `${request.protocol}://${request.host}`;
  if (origin !== own) {
    throw new DomainError('forbidden', 'a cookie refresh must come from this server\'s own pages');
  }
}
