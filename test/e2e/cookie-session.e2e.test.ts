// Goal: browser sessions (docs/api.md, "Browser sessions"). A login that asks for a cookie
// session gets its refresh token as an HttpOnly, SameSite=Strict cookie scoped to /v1/auth
// (Secure over HTTPS), never in the body; a refresh with no body reads that cookie only from
// the server's own origin, and rotates it; a spent cookie is refused and cleared; logout
// clears it. Every answer is also checked against /docs/json by call().
import { call, PASSWORD, signUp } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;

// TRUST_PROXY so that a test can say "this came over HTTPS" with X-Forwarded-Proto.
beforeAll(async () => {
  app = await startTestApp({ env: { TRUST_PROXY: 'true' } });
}, 60_000);
afterAll(() => app?.stop());

const COOKIE =
  /^tng_refresh=([A-Za-z0-9_-]{43}); Max-Age=\d+; Path=\/v1\/auth; HttpOnly; SameSite=Strict$/;
const CLEARED = /^tng_refresh=; Max-Age=0; Path=\/v1\/auth; HttpOnly; SameSite=Strict/;

async function cookieLogin(headers: Record<string, string> = {}) {
  const user = await signUp(app, 'browser');
  const login = await call(app, 'POST', '/v1/auth/login', {
    body: { email: user.email, password: PASSWORD, session: 'cookie' }, headers,
  });
  expect(login.status).toBe(200);
  return { user, login };
}

const refreshWith = (cookie: string | undefined, origin: string | undefined) =>
  call(app, 'POST', '/v1/auth/refresh', {
    headers: {
      ...(cookie === undefined ? {} : { cookie: `theme=dark; tng_refresh=${cookie}` }),
      ...(origin === undefined ? {} : { origin }),
    },
  });

const cookieOf = (setCookie: string | null) => COOKIE.exec(setCookie ?? '')?.[1];

test('a cookie login sets the refresh cookie and keeps the token out of the body', async () => {
  const { login } = await cookieLogin();
  expect(login.body.refreshToken).toBeUndefined();
  expect(login.body.accessToken).toEqual(expect.any(String));
  expect(login.headers.get('set-cookie')).toMatch(COOKIE);
});

test('over HTTPS the cookie is Secure', async () => {
  const { login } = await cookieLogin({ 'x-forwarded-proto': 'https' });
  expect(login.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
});

test('a refresh from the own origin rotates the cookie; a spent one is refused and cleared',
  async () => {
    const { login } = await cookieLogin();
    const first = cookieOf(login.headers.get('set-cookie'))!;
    const refreshed = await refreshWith(first, app.url);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toBeUndefined();
    const second = cookieOf(refreshed.headers.get('set-cookie'));
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const me = await call(app, 'GET', '/v1/me', { token: refreshed.body.accessToken });
    expect(me.status).toBe(200);
    const reused = await refreshWith(first, app.url);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('refresh_token_reused');
    expect(reused.headers.get('set-cookie')).toMatch(CLEARED);
  });

test('a cookie refresh from another origin, or with no Origin, is refused with 403', async () => {
  const { login } = await cookieLogin();
  const cookie = cookieOf(login.headers.get('set-cookie'))!;
  for (const origin of ['https://evil.example', undefined, 'null']) {
    const refused = await refreshWith(cookie, origin);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
  }
  // The refused attempts spent nothing: the cookie still works from the own origin.
  expect((await refreshWith(cookie, app.url)).status).toBe(200);
});

test('a refresh with neither a body nor the cookie is 401', async () => {
  const refused = await refreshWith(undefined, app.url);
  expect(refused.status).toBe(401);
  expect(refused.body.code).toBe('unauthenticated');
});

test('logout clears the cookie, and its refresh token stops working', async () => {
  const { login } = await cookieLogin();
  const cookie = cookieOf(login.headers.get('set-cookie'))!;
  const logout = await call(app, 'POST', '/v1/auth/logout', {
    token: login.body.accessToken, headers: { cookie: `tng_refresh=${cookie}` },
  });
  expect(logout.status).toBe(204);
  expect(logout.headers.get('set-cookie')).toMatch(CLEARED);
  expect((await refreshWith(cookie, app.url)).status).toBe(401);
});

test('a token login still answers the refresh token in the body, and sets no cookie', async () => {
  const user = await signUp(app, 'api-client');
  expect(user.refreshToken).toEqual(expect.any(String));
  const refreshed = await call(app, 'POST', '/v1/auth/refresh', {
    body: { refreshToken: user.refreshToken },
  });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.refreshToken).toEqual(expect.any(String));
  expect(refreshed.headers.get('set-cookie')).toBeNull();
});
