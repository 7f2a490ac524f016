// Which routes are rate limited, keyed by what, and how hard. docs/api.md: 429 `rate_limited` with
// Retry-After; "plan-based limits that let a client burst 50 requests"; RATE_LIMITS=off turns
// every limit off. All windows are fixed windows counted by the Cache port (Redis when
// REDIS_URL is set, in-process otherwise).
//
// The numbers, and why:
// - register: 20 requests a minute per client IP. Enough for a household or an office behind
//   one NAT address, far too few to farm accounts.
// - login, per client IP across accounts: 100 attempts a minute (docs/api.md "Login limits"),
//   refused before the body is even parsed, since each attempt costs an scrypt hash. High
//   enough that one user's typos never lock out the others behind the same address.
// - login, per account (the normalised e-mail, whether or not it is registered): 10 failed
//   attempts in 15 minutes, then every attempt on that account is refused, from any
//   address, until the window ends (rate-limit-login.ts). Guessing is bounded per account
//   however many addresses an attacker has; a success does not reset the count.
// - refresh: 60 a minute per client IP. A refresh token is unguessable, so this only caps
//   abuse; many app instances behind one address refresh every 15 minutes each.
// - money routes (transfers, payments, holds, captures, releases, adjustments, top-ups): one
//   budget per signed-in user across all of them, by plan. FREE: 50 requests per 10 s (the
//   burst docs/api.md promises); PREMIUM: 200 per 10 s.
// Invariant: a policy's name is part of the counter key, so two policies never share a count.
import type { Plan } from '../auth/principal';

export type RateLimitPolicy = Readonly<{
  /** Names the counter: `rl:<name>:<subject>`. */
  name: string;
  /** Requests allowed per window; the next one is refused. */
  limit: number;
  windowMs: number;
}>;

const MINUTE_MS = 60_000;
export const MONEY_WINDOW_MS = 10_000;

/** Public auth routes by route template, counted per client IP. */
export const AUTH_POLICIES: ReadonlyMap<string, RateLimitPolicy> = new Map([
  ['/v1/auth/register', { name: 'auth-register', limit: 20, windowMs: MINUTE_MS }],
  ['/v1/auth/login', { name: 'auth-login', limit: 100, windowMs: MINUTE_MS }],
  ['/v1/auth/refresh', { name: 'auth-refresh', limit: 60, windowMs: MINUTE_MS }],
]);

/** Failed logins per account; the attempt after the limit-th failure is refused. */
export const LOGIN_FAILURE_POLICY: RateLimitPolicy = Object.freeze({
  name: 'login-failures',
  limit: 10,
  windowMs: 15 * MINUTE_MS,
});

/** Money routes' budget per user, by the plan in the caller's access token. */
export const MONEY_POLICIES: Readonly<Record<Plan, RateLimitPolicy>> = Object.freeze({
  FREE: { name: 'money-FREE', limit: 50, windowMs: MONEY_WINDOW_MS },
  PREMIUM: { name: 'money-PREMIUM', limit: 200, windowMs: MONEY_WINDOW_MS },
});

/**
 * `METHOD template` of every route that moves or reserves money. Listing a route that is not
 * registered yet (top-ups) is harmless: nothing ever matches it.
 */
export const MONEY_ROUTES: ReadonlySet<string> = new Set([
  'POST /v1/transfers',
  'POST /v1/payments',
  'POST /v1/wallets/:walletId/holds',
  'POST /v1/holds/:holdId/capture',
  'POST /v1/holds/:holdId/release',
  'POST /v1/admin/wallets/:walletId/adjustments',
  'POST /v1/wallets/:walletId/top-ups',
]);
