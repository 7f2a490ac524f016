// Goal: a request is authenticated only with a Bearer token that verifies and whose session
// was not logged out; the two failure kinds keep their codes.
import { randomUUID } from 'node:crypto';
import type { DomainError } from '../errors/domain-error';
import { AccessAuthenticator } from './access-authenticator';
import { AccessTokens } from './tokens';

const tokens = new AccessTokens({ secret: 'a-test-secret-of-at-least-thirty-two-bytes' });
const sessionId = randomUUID();
const { accessToken } = tokens.issue({ userId: 'u1', sessionId, roles: ['customer'], plan: 'FREE' });

const codeOf = (promise: Promise<unknown>) =>
  promise.then(() => 'fulfilled', (error: unknown) => (error as DomainError).code);

test('a valid Bearer token of a live session authenticates', async () => {
  const authenticator = new AccessAuthenticator(tokens, { isRevoked: async () => false });
  expect((await authenticator.authenticate(`Bearer ${accessToken}`)).userId).toBe('u1');
  expect((await authenticator.authenticate(`bearer ${accessToken}`)).sessionId).toBe(sessionId);
});

test('missing or non-Bearer credentials are unauthenticated', async () => {
  const authenticator = new AccessAuthenticator(tokens, { isRevoked: async () => false });
  for (const header of [undefined, '', 'Basic dXNlcjpwYXNz', accessToken, 'Bearer ']) {
    expect(await codeOf(authenticator.authenticate(header))).toBe('unauthenticated');
  }
});

test('a bad token or a logged-out session is invalid_token', async () => {
  const revoked = new Set<string>([sessionId]);
  const authenticator = new AccessAuthenticator(tokens, {
    isRevoked: async (id) => revoked.has(id),
  });
  expect(await codeOf(authenticator.authenticate(`Bearer ${accessToken}`))).toBe('invalid_token');
  expect(await codeOf(authenticator.authenticate('Bearer a.b.c'))).toBe('invalid_token');
});
