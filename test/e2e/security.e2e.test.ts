// Goal: nobody sees or moves money that is not theirs, through real HTTP. Another user's
// wallet, hold or transfer answers 404 exactly like a missing one; customers get 403 on admin
// and audit routes; forged, expired, mis-addressed, refresh and garbage tokens get 401;
// refresh rotation detects reuse and revokes the whole family; logout ends the session at
// once on both APIs; login does not reveal which e-mails exist; registration refuses a taken
// e-mail in any case or spacing, and short passwords.
import { createHmac, randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import {
  call, fund, openWallet, PASSWORD, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import { aProblem, problemOf, storedEventCount } from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';

/** The secret test-app.ts configures; only the "right secret, wrong claims" cases use it. */
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

let app: TestApp;
let admin: User;
let alice: User;
let mallory: User;
let aliceWallet: string;
let malloryWallet: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  alice = await signUp(app, 'alice');
  mallory = await signUp(app, 'mallory');
  aliceWallet = await openWallet(app, alice);
  malloryWallet = await openWallet(app, mallory);
  expect((await fund(app, admin, aliceWallet, '50000')).status).toBe(201);
  expect((await fund(app, admin, malloryWallet, '50000')).status).toBe(201);
});
afterAll(() => app?.stop());

const withKey = () => ({ 'idempotency-key': randomUUID() });

/** One request on a command route and one on a query route, with `token`. */
const bothApis = (token: string | undefined, headers: Record<string, string> = {}) =>
  Promise.all([
    call(app, 'POST', '/v1/wallets', {
      body: { currency: 'MYR' },
      headers,
      ...(token !== undefined ? { token } : {}),
    }),
    call(app, 'GET', `/v1/wallets`, { headers, ...(token !== undefined ? { token } : {}) }),
  ]);

const UNAUTHORIZED = ['invalid_token', 'unauthenticated'];
const isUnauthorized = (reply: Reply) =>
  reply.status === 401 &&
  UNAUTHORIZED.includes(reply.body?.code) &&
  problemOf(reply).type === 'application/problem+json';

describe('ownership', () => {
  test("another user's wallet, hold and transfer answer 404 like missing ones", async () => {
    const hold = await call(app, 'POST', `/v1/wallets/${aliceWallet}/holds`, {
      token: alice.token,
      headers: withKey(),
      body: { amount: '100', currency: 'MYR', reason: 'deposit' },
    });
    expect(hold.status).toBe(201);
    const sent = await transfer(app, alice, {
      sourceWalletId: aliceWallet, targetWalletId: malloryWallet, amount: '10',
    });
    expect(sent.status).toBe(201);
    const bystander = await signUp(app, 'bystander');
    const bystanderWallet = await openWallet(app, bystander);
    const ownTransfer = await transfer(app, alice, {
      sourceWalletId: aliceWallet, targetWalletId: bystanderWallet, amount: '10',
    });
    const fresh = { 'x-min-position': ownTransfer.headers.get('x-ledger-position')! };
    const merchant = await withRole(app, await signUp(app, 'merchant'), 'merchant');

    const attempts: Array<[string, () => Promise<Reply>]> = [
      ['GET wallet', () => call(app, 'GET', `/v1/wallets/${aliceWallet}`, {
        token: mallory.token, headers: fresh,
      })],
      ['GET transactions', () => call(app, 'GET', `/v1/wallets/${aliceWallet}/transactions`, {
        token: mallory.token, headers: fresh,
      })],
      ['GET transfer', () => call(app, 'GET', `/v1/transfers/${ownTransfer.body.transferId}`, {
        token: mallory.token, headers: fresh,
      })],
      ['transfer from it', () => transfer(app, mallory, {
        sourceWalletId: aliceWallet, targetWalletId: malloryWallet, amount: '10',
      })],
      ['pay from it', () => call(app, 'POST', '/v1/payments', {
        token: mallory.token, headers: withKey(),
        body: {
          sourceWalletId: aliceWallet, merchantId: merchant.userId, amount: '10',
          currency: 'MYR', reference: 'order-1',
        },
      })],
      ['hold on it', () => call(app, 'POST', `/v1/wallets/${aliceWallet}/holds`, {
        token: mallory.token, headers: withKey(),
        body: { amount: '10', currency: 'MYR', reason: 'mine now' },
      })],
      ['capture its hold', () => call(app, 'POST', `/v1/holds/${hold.body.holdId}/capture`, {
        token: mallory.token, headers: withKey(), body: { targetWalletId: malloryWallet },
      })],
      ['release its hold', () => call(app, 'POST', `/v1/holds/${hold.body.holdId}/release`, {
        token: mallory.token, headers: withKey(),
      })],
    ];
    const missing: Array<[string, () => Promise<Reply>]> = [
      ['GET missing wallet', () => call(app, 'GET', `/v1/wallets/${randomUUID()}`, {
        token: mallory.token,
      })],
      ['capture missing hold', () => call(app, 'POST', `/v1/holds/${randomUUID()}/capture`, {
        token: mallory.token, headers: withKey(), body: { targetWalletId: malloryWallet },
      })],
    ];
    const before = await app.server.runtime.store.streamVersion(`wallet-${aliceWallet}`);
    const seen = [];
    for (const [name, send] of [...attempts, ...missing]) {
      const reply = await send();
      seen.push({ name, ...problemOf(reply), detail: reply.body.detail });
    }
    expect(seen.map(({ detail: _detail, ...rest }) => rest)).toEqual(
      [...attempts, ...missing].map(([name]) => ({ name, ...aProblem(404, 'not_found') })),
    );
    // Same words for "not yours" and "not there": nothing in the body tells them apart.
    const byName = new Map(seen.map((entry) => [entry.name, entry.detail]));
    expect(byName.get('GET wallet')).toBe(byName.get('GET missing wallet'));
    expect(byName.get('capture its hold')).toBe(byName.get('capture missing hold'));
    expect(await app.server.runtime.store.streamVersion(`wallet-${aliceWallet}`)).toBe(before);
  });

  test('customers get 403 on admin and audit routes; auditors cannot write', async () => {
    const auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
    const adminRoutes = (user: User): Array<[string, () => Promise<Reply>]> => [
      ['freeze', () => call(app, 'POST', `/v1/admin/wallets/${aliceWallet}/freeze`, {
        token: user.token, body: { reason: 'because' },
      })],
      ['unfreeze', () => call(app, 'POST', `/v1/admin/wallets/${aliceWallet}/unfreeze`, {
        token: user.token,
      })],
      ['adjustment', () => call(app, 'POST', `/v1/admin/wallets/${malloryWallet}/adjustments`, {
        token: user.token, headers: withKey(),
        body: { amount: '1000000', currency: 'MYR', direction: 'credit', reason: 'gift' },
      })],
    ];
    const auditRoutes = (user: User): Array<[string, () => Promise<Reply>]> => [
      ['audit stream', () => call(app, 'GET', `/v1/audit/streams/wallet-${aliceWallet}`, {
        token: user.token,
      })],
      ['balance-at', () => call(
        app, 'GET',
        `/v1/audit/wallets/${aliceWallet}/balance-at?at=${encodeURIComponent(new Date().toISOString())}`,
        { token: user.token },
      )],
    ];
    const cases = [
      ...adminRoutes(mallory).map(([name, send]) => [`customer ${name}`, send] as const),
      ...auditRoutes(mallory).map(([name, send]) => [`customer ${name}`, send] as const),
      ...adminRoutes(auditor).map(([name, send]) => [`auditor ${name}`, send] as const),
    ];
    const before = await storedEventCount(app);
    const seen = [];
    for (const [name, send] of cases) seen.push({ name, ...problemOf(await send()) });
    expect(seen).toEqual(cases.map(([name]) => ({ name, ...aProblem(403, 'forbidden') })));
    expect(await storedEventCount(app)).toBe(before);
    const audited = await auditRoutes(auditor)[0]![1]();
    expect(audited.status).toBe(200);
  });
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claimsFor(user: User, overrides: Record<string, unknown> = {}) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return {
    iss: 'mini-tng', aud: 'mini-tng-api', sub: user.userId, jti: randomUUID(), sid: randomUUID(),
    typ: 'access', roles: ['customer', 'admin'], plan: 'PREMIUM', iat: nowSeconds,
    exp: nowSeconds + 600, ...overrides,
  };
}

function hs512(payload: Record<string, unknown>, secret: string): string {
  const signingInput = `${base64url({ alg: 'HS512', typ: 'JWT' })}.${base64url(payload)}`;
  const signature = createHmac('sha512', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

describe('tokens', () => {
  test('forged, expired, mis-addressed, refresh and garbage tokens are 401', async () => {
    const sign = createSigner({ key: JWT_SECRET, algorithm: 'HS256' });
    const signElsewhere = createSigner({ key: 'another-secret-another-secret-0123456789', algorithm: 'HS256' });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const tokens: Record<string, string> = {
      'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claimsFor(mallory))}.`,
      'alg none, no dot': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claimsFor(mallory))}`,
      'wrong signature': signElsewhere(claimsFor(mallory)),
      'HS512 with the right secret': hs512(claimsFor(mallory), JWT_SECRET),
      'tampered payload': (() => {
        const [header, , signature] = mallory.token.split('.');
        return `${header}.${base64url(claimsFor(mallory))}.${signature}`;
      })(),
      expired: sign(claimsFor(mallory, { iat: nowSeconds - 1200, exp: nowSeconds - 600 })),
      'wrong aud': sign(claimsFor(mallory, { aud: 'someone-else' })),
      'wrong iss': sign(claimsFor(mallory, { iss: 'evil-issuer' })),
      'wrong typ': sign(claimsFor(mallory, { typ: 'refresh' })),
      'no exp': sign(Object.fromEntries(
        Object.entries(claimsFor(mallory)).filter(([name]) => name !== 'exp'),
      )),
      'refresh token': mallory.refreshToken,
      garbage: 'not-a-jwt',
      'three dots': 'a.b.c',
    };
    const seen: Array<{ name: string; command: boolean; query: boolean }> = [];
    for (const [name, token] of Object.entries(tokens)) {
      const [command, query] = await bothApis(token);
      seen.push({ name, command: isUnauthorized(command!), query: isUnauthorized(query!) });
    }
    expect(seen).toEqual(
      Object.keys(tokens).map((name) => ({ name, command: true, query: true })),
    );
  });

  test('no Authorization, or not a Bearer one, is 401 unauthenticated', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { authorization: 'Bearer' },
      { authorization: mallory.token },
    ];
    for (const headers of cases) {
      const replies = await bothApis(undefined, headers);
      expect(replies.map(problemOf)).toEqual([
        aProblem(401, 'unauthenticated'),
        aProblem(401, 'unauthenticated'),
      ]);
    }
  });
});

describe('sessions', () => {
  test('refresh rotates; reusing a spent refresh token revokes the whole family', async () => {
    const user = await signUp(app, 'rotator');
    const first = await call(app, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect((await call(app, 'GET', '/v1/me', { token: first.body.accessToken })).status).toBe(200);
    const second = await call(app, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(second.status).toBe(200);
    const other = await logInAgain(user);

    const reused = await call(app, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(problemOf(reused)).toEqual(aProblem(401, 'refresh_token_reused'));
    const newest = await call(app, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(problemOf(newest).status).toBe(401);
    for (const token of [user.token, first.body.accessToken, second.body.accessToken]) {
      const replies = await bothApis(token);
      expect(replies.map(isUnauthorized)).toEqual([true, true]);
    }
    // Another session of the same user is another family: it keeps working.
    expect((await call(app, 'GET', '/v1/me', { token: other.token })).status).toBe(200);
  });

  test('logout ends the session at once on both APIs, refresh token included', async () => {
    const user = await signUp(app, 'leaver');
    const other = await logInAgain(user);
    expect((await bothApis(user.token)).map((reply) => reply.status)).toEqual([201, 200]);
    const out = await call(app, 'POST', '/v1/auth/logout', { token: user.token });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    const replies = await bothApis(user.token);
    expect(replies.map(isUnauthorized)).toEqual([true, true]);
    const refreshed = await call(app, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(problemOf(refreshed).status).toBe(401);
    expect((await call(app, 'GET', '/v1/me', { token: other.token })).status).toBe(200);
  });
});

async function logInAgain(user: User): Promise<User> {
  const login = await call(app, 'POST', '/v1/auth/login', {
    body: { email: user.email, password: PASSWORD },
  });
  expect(login.status).toBe(200);
  return { ...user, token: login.body.accessToken, refreshToken: login.body.refreshToken };
}

describe('credentials', () => {
  test('an unknown e-mail and a wrong password get the identical reply', async () => {
    const unknown = await call(app, 'POST', '/v1/auth/login', {
      body: { email: `nobody-${randomUUID()}@example.com`, password: PASSWORD },
    });
    const wrong = await call(app, 'POST', '/v1/auth/login', {
      body: { email: alice.email, password: `${PASSWORD}!` },
    });
    expect(problemOf(unknown)).toEqual(aProblem(401, 'invalid_credentials'));
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.text).toBe(unknown.text);
    expect(wrong.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
  });

  test('a taken e-mail is 409 email_taken in any case or spacing', async () => {
    const email = `Taken-${randomUUID().slice(0, 8)}@Example.com`;
    const register = (address: string) =>
      call(app, 'POST', '/v1/auth/register', {
        body: { email: address, password: PASSWORD, name: 'Taken' },
      });
    expect((await register(email)).status).toBe(201);
    const variants = [email, email.toLowerCase(), email.toUpperCase(), ` ${email} `, `${email}\t`];
    const seen = [];
    for (const variant of variants) seen.push({ variant, ...problemOf(await register(variant)) });
    expect(seen).toEqual(variants.map((variant) => ({ variant, ...aProblem(409, 'email_taken') })));
    const login = await call(app, 'POST', '/v1/auth/login', {
      body: { email: ` ${email.toUpperCase()} `, password: PASSWORD },
    });
    expect(login.status).toBe(200);
  });

  test('passwords outside 12-128 characters are 400 invalid_request', async () => {
    for (const password of ['short', 'x'.repeat(11), 'x'.repeat(129)]) {
      const reply = await call(app, 'POST', '/v1/auth/register', {
        body: { email: `pw-${randomUUID().slice(0, 8)}@example.com`, password, name: 'Pw' },
      });
      expect({ length: password.length, ...problemOf(reply) }).toEqual({
        length: password.length, ...aProblem(400, 'invalid_request'),
      });
    }
  });
});
