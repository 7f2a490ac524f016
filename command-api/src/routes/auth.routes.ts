// Register, login, refresh, logout and /v1/me. Login answers unknown e-mail and wrong password
// with the same body after the same amount of scrypt work. Refresh tokens rotate; a reused one
// revokes its family. Logout revokes the session (its access tokens and refresh family) at once.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod/v4';
import { hashPassword, verifyPasswordOrDummy } from '../../../shared/auth/password-hasher';
import type { RefreshTokenStore } from '../../../shared/auth/refresh-token.store';
import type { SessionRevocation } from '../../../shared/auth/session-revocation';
import type { AccessTokens } from '../../../shared/auth/tokens';
import { normalizeEmail } from '../../../shared/domain/user/user.events';
import { DomainError } from '../../../shared/errors/domain-error';
import type { ZodApp } from '../../../shared/http/create-http-server';
import { principalOf } from '../../../shared/http/principal';
import type { LoginAttempts } from '../../../shared/http/rate-limit-login';
import { EmailSchema, NameSchema } from '../../../shared/http/schemas';
import {
  ALWAYS,
  AUTHENTICATED,
  NoContent,
  responses,
  WITH_BODY,
} from '../../../shared/http/responses';
import { UniqueClaimTaken } from '../../../shared/ports/event-store.port';
import type { CommandDeps } from '../command-deps';
import { runCommand } from '../command-runner';
import { decideRegister, EMAIL_CLAIM_SCOPE } from '../handlers/user.handlers';
import { metadataFor } from '../new-events';
import { notFound } from '../not-found';
import { sendCommandReply } from './reply';
import {
  clearRefreshCookie, refreshCookieOf, requireOwnOrigin, setRefreshCookie,
} from './refresh-cookie';
import { MeSchema, RegisteredSchema, TokenPairSchema } from '../command-responses';

export type AuthDeps = CommandDeps &
  Readonly<{
    tokens: AccessTokens;
    refreshTokens: RefreshTokenStore;
    sessions: SessionRevocation;
    accessTokenTtlMs: number;
    /** Failed logins limited per account; absent when RATE_LIMITS=off. */
    rateLimits?: Readonly<{ loginAttempts: LoginAttempts }>;
  }>;

const RegisterBody = z.strictObject({
  email: EmailSchema,
  password: z.string().min(12).max(128),
  name: NameSchema,
});
const LoginBody = z.strictObject({
  email: EmailSchema,
  password: z.string().max(128),
  session: z.enum(['token', 'cookie']).optional()
    .describe('cookie: the refresh token goes into an HttpOnly cookie, not the body'),
});
// No body: a cookie session's refresh (the token comes from the cookie).
const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) }).nullish();
// Login and refresh are limited per client address (429) before the body is read.
const tokenPairResponses = responses({ 200: TokenPairSchema }, ALWAYS, WITH_BODY, [401, 429]);
const loginSchema = { body: LoginBody, tags: ['auth'], response: tokenPairResponses };
const registerSchema = {
  body: RegisterBody,
  tags: ['auth'],
  contract: { ledgerPosition: true },
  response: responses({ 201: RegisteredSchema }, ALWAYS, WITH_BODY, [409, 429]),
};
const invalidCredentials = () =>
  new DomainError('invalid_credentials', 'e-mail or password is wrong');

/** A login attempt, under the per-account limit of failed logins when limits are on. */
const limitedPerAccount = <T>(deps: AuthDeps, email: string, login: () => Promise<T>) =>
  deps.rateLimits ? deps.rateLimits.loginAttempts.attempt(email, login) : login();

/** Access + refresh pair for a session of `userId`, with roles and plan from its stream. */
async function tokenPair(
  deps: AuthDeps,
  userId: string,
  refresh: { refreshToken: string; familyId: string },
) {
  const { state } = await deps.users.load(userId);
  if (state.status === 'absent') throw new DomainError('invalid_token', 'unknown user');
  const access = deps.tokens.issue({
    userId,
    sessionId: refresh.familyId,
    roles: [...state.roles],
    plan: state.plan,
  });
  return {
    accessToken: access.accessToken,
    refreshToken: refresh.refreshToken,
    tokenType: 'Bearer' as const,
    expiresIn: access.expiresInSeconds,
  };
}

/** A cookie session's answer: the refresh token in the cookie, not in the body. */
function inCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  pair: Awaited<ReturnType<typeof tokenPair>>,
) {
  const { refreshToken, ...rest } = pair;
  setRefreshCookie(request, reply, refreshToken);
  return rest;
}

export function publicAuthRoutes(deps: AuthDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/v1/auth/register',
      { schema: registerSchema },
      async (request, reply) => {
        const userId = deps.newId();
        const passwordHash = await hashPassword(request.body.password);
        const metadata = metadataFor({ id: request.id, principalId: userId }, deps.clock());
        try {
          const result = await runCommand(deps, {
            name: 'register',
            lockKeys: [`email:${normalizeEmail(request.body.email)}`],
            idempotency: null,
            handle: async () =>
              decideRegister({
                userId,
                email: request.body.email,
                name: request.body.name,
                passwordHash,
                metadata,
              }),
          });
          return sendCommandReply(reply, result);
        } catch (error) {
          if (error instanceof UniqueClaimTaken) {
            throw new DomainError('email_taken', 'an account with this e-mail exists');
          }
          throw error;
        }
      },
    );

    app.post('/v1/auth/login', { schema: loginSchema }, async (request, reply) => {
      const pair = await limitedPerAccount(deps, request.body.email, () => logIn(request.body));
      return request.body.session === 'cookie' ? inCookie(request, reply, pair) : pair;
    });

    /** One login attempt; `invalid_credentials` is the failure the account limit counts. */
    async function logIn(body: z.infer<typeof LoginBody>) {
      const email = normalizeEmail(body.email);
      const userId = await deps.store.findUniqueClaim(EMAIL_CLAIM_SCOPE, email);
      // The hash is in the credentials table, written with the registration's events.
      const storedHash = userId ? await deps.store.findPasswordHash(userId) : null;
      const matches = await verifyPasswordOrDummy(body.password, storedHash);
      if (!matches || !userId) throw invalidCredentials();
      return tokenPair(deps, userId, await deps.refreshTokens.issue(userId));
    }

    refreshRoute(app, deps);
  };
}

/** POST /v1/auth/refresh: with a token in the body, or a cookie session's cookie. */
function refreshRoute(app: ZodApp, deps: AuthDeps): void {
  app.post(
    '/v1/auth/refresh',
    {
      schema: {
        body: RefreshBody,
        tags: ['auth'],
        description: 'With {refreshToken}, or with no body in a cookie session (403 when the '
          + 'Origin is not this server\'s).',
        response: responses({ 200: TokenPairSchema }, ALWAYS, WITH_BODY, [401, 403, 429]),
      },
    },
    async (request, reply) => {
      if (request.body) {
        const rotated = await deps.refreshTokens.rotate(request.body.refreshToken);
        return tokenPair(deps, rotated.userId, rotated);
      }
      const cookie = refreshCookieOf(request);
      if (cookie === undefined) {
        throw new DomainError('unauthenticated', 'send {refreshToken} or the session cookie');
      }
      requireOwnOrigin(request);
      try {
        const rotated = await deps.refreshTokens.rotate(cookie);
        return inCookie(request, reply, await tokenPair(deps, rotated.userId, rotated));
      } catch (error) {
        // A spent, revoked or unknown token will never work again: drop it from the browser.
        if (error instanceof DomainError) clearRefreshCookie(request, reply);
        throw error;
      }
    },
  );
}

/** Routes for a signed-in caller; the plugin that registers them authenticates first. */
export function authRoutes(deps: AuthDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/v1/auth/logout',
      {
        schema: {
          tags: ['auth'],
          security: [{ bearer: [] }],
          response: responses({ 204: NoContent }, ALWAYS, AUTHENTICATED, WITH_BODY),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const until = new Date(deps.clock().getTime() + deps.accessTokenTtlMs);
        await deps.sessions.revoke(principal.sessionId, until);
        if (refreshCookieOf(request) !== undefined) clearRefreshCookie(request, reply);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/v1/me',
      {
        schema: {
          tags: ['auth'],
          security: [{ bearer: [] }],
          response: responses({ 200: MeSchema }, ALWAYS, AUTHENTICATED, [404]),
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const { state } = await deps.users.load(userId);
        if (state.status === 'absent') throw notFound('user');
        return {
          userId,
          email: state.email,
          name: state.name,
          roles: [...state.roles].sort(),
          plan: state.plan,
        };
      },
    );
  };
}
