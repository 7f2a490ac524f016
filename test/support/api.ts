// A small HTTP client for end-to-end tests: real requests over loopback with fetch, plus the
// steps every scenario needs (a signed-in user, a funded wallet, an operator with a role).
import { randomUUID } from 'node:crypto';
import { createCommandDeps } from '../../command-api/src/command-deps';
import { runCommand } from '../../command-api/src/command-runner';
import { handleGrantRole } from '../../command-api/src/handlers/user.handlers';
import { assertKeepsContract } from './openapi-contract';
import type { TestApp } from './test-app';

// Bodies are whatever JSON the server sent; tests assert on their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reply = { status: number; headers: Headers; body: any; text: string };
/** Where requests go: a TestApp in this process, or a `tng serve` child process. */
export type HttpTarget = Readonly<{ url: string }>;
export const PASSWORD = 'correct horse battery staple';

/**
 * One request. Every answer is also checked against the server's OpenAPI document: an
 * undeclared status, media type or header, or a body outside its schema, fails the test.
 */
export async function call(
  app: HttpTarget,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined && !headers['content-type'])
    headers['content-type'] = 'application/json';
  const response = await fetch(`${app.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  const reply = { status: response.status, headers: response.headers, body, text };
  await assertKeepsContract(app.url, method, path, reply);
  return reply;
}

export type User = { userId: string; email: string; token: string; refreshToken: string };

export async function signUp(app: HttpTarget, name = 'user'): Promise<User> {
  const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
  const registered = await call(app, 'POST', '/v1/auth/register', {
    body: { email, password: PASSWORD, name },
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.text}`);
  return logIn(app, email, registered.body.userId);
}

export async function logIn(app: HttpTarget, email: string, userId: string): Promise<User> {
  const login = await call(app, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login: ${login.text}`);
  return { userId, email, token: login.body.accessToken, refreshToken: login.body.refreshToken };
}

/** Grants a role as an operator would (`tng users grant-role`), then signs in again. */
export async function withRole(app: TestApp, user: User, role: string): Promise<User> {
  const deps = createCommandDeps(app.server.runtime.store, app.server.runtime.metrics);
  await runCommand(deps, {
    name: 'grant_role',
    lockKeys: [user.userId],
    idempotency: null,
    handle: () =>
      handleGrantRole(deps, {
        userId: user.userId,
        role,
        seed: randomUUID(),
        metadata: { occurredAt: new Date().toISOString(), actorId: 'test' },
      }),
  });
  return logIn(app, user.email, user.userId);
}

export async function openWallet(app: HttpTarget, user: User, currency = 'MYR'): Promise<string> {
  const opened = await call(app, 'POST', '/v1/wallets', { token: user.token, body: { currency } });
  if (opened.status !== 201) throw new Error(`open wallet: ${opened.text}`);
  return opened.body.walletId;
}

export async function fund(
  app: HttpTarget,
  admin: User,
  walletId: string,
  amount: string,
  currency = 'MYR',
): Promise<Reply> {
  return call(app, 'POST', `/v1/admin/wallets/${walletId}/adjustments`, {
    token: admin.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { amount, currency, direction: 'credit', reason: 'test funding' },
  });
}

export function transfer(
  app: HttpTarget,
  user: User,
  body: Record<string, unknown>,
  key: string = randomUUID(),
): Promise<Reply> {
  return call(app, 'POST', '/v1/transfers', {
    token: user.token,
    headers: { 'idempotency-key': key },
    body: { currency: 'MYR', ...body },
  });
}

/** Runs `tasks` with at most `concurrency` in flight; results keep the tasks' order. */
export async function inParallel<T>(
  tasks: Array<() => Promise<T>>,
  concurrency: number,
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}
