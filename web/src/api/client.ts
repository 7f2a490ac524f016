// The typed API client (openapi-fetch over schema.d.ts, generated from the server's OpenAPI
// document by `npm run web:api-types`). The access token lives in this module's memory only;
// the refresh token is the server's HttpOnly cookie (docs/api.md, "Browser sessions"), so
// after a reload or an expired token the session comes back with one cookie refresh.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

let accessToken: string | null = null;
const listeners = new Set<() => void>();

export const session = {
  token: () => accessToken,
  set(token: string | null) {
    accessToken = token;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** One refresh at a time: concurrent 401s share it. */
let refreshing: Promise<boolean> | null = null;

/** Trades the session cookie for a new access token; false when there is no session. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    .then(async (response) => {
      if (!response.ok) return false;
      const body = (await response.json()) as { accessToken: string };
      session.set(body.accessToken);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (accessToken) request.headers.set('authorization', `Bearer ${accessToken}`);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || request.url.includes('/v1/auth/')) return response;
    if (!(await refreshSession())) {
      session.set(null);
      return response;
    }
    const retry = request.clone();
    retry.headers.set('authorization', `Bearer ${accessToken}`);
    return fetch(retry);
  },
};

export const api = createClient<paths>({ baseUrl: '/' });
api.use(auth);
