// Creates the process's ioredis client with options chosen for a cache that must never slow
// or break a request: no offline queue (a down Redis fails a command at once instead of
// queueing it), no per-command retries, short connect and command timeouts, and reconnection
// in the background with a capped delay. Callers treat every failure as "cache unavailable"
// and degrade (see RedisCache, which turns them into InfraError).
// Invariant: the URL is never logged, since it may carry a password.
import { Redis } from 'ioredis';

/** Structural subset of a pino logger, so this module needs no logging library. */
export type RedisClientLog = Readonly<{
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}>;

export const REDIS_CONNECT_TIMEOUT_MS = 1_000;
/** ioredis's own per-command timeout; RedisCache also bounds each call itself. */
export const REDIS_COMMAND_TIMEOUT_MS = 250;
/** How long quit/disconnect waits for a socket to close before destroying it. */
export const REDIS_DISCONNECT_TIMEOUT_MS = 200;
export const REDIS_RECONNECT_DELAY_MS_MIN = 100;
/**
 * Reconnection never gives up while the process runs, because a Redis restart must not need
 * an application restart; the delay between attempts doubles up to this bound.
 */
export const REDIS_RECONNECT_DELAY_MS_MAX = 5_000;

export function reconnectDelayMs(attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 16);
  return Math.min(REDIS_RECONNECT_DELAY_MS_MIN * 2 ** exponent, REDIS_RECONNECT_DELAY_MS_MAX);
}

/**
 * Returns a client that starts connecting in the background: commands issued before it is
 * ready, or while Redis is down, reject at once. Close it with `client.quit()` (or
 * `disconnect()`) at shutdown.
 */
export function createRedisClient(url: string, log: RedisClientLog): Redis {
  const client = new Redis(url, {
    // Lazy so that the listeners below exist before the first connection attempt.
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelayMs,
    // Many requests read the cache at once; pipelining them saves round trips under load.
    enableAutoPipelining: true,
    autoResubscribe: false,
  });
  attachStateLogging(client, log);
  client.connect().catch(() => {
    // Already logged by the 'error' listener; ioredis keeps reconnecting on its own.
  });
  return client;
}

/** Logs state changes only: while Redis stays down, ioredis emits an error per attempt. */
function attachStateLogging(client: Redis, log: RedisClientLog): void {
  let healthy = true;
  client.on('ready', () => {
    healthy = true;
    log.info({ component: 'redis' }, 'redis connection ready');
  });
  client.on('error', (error: Error) => {
    if (!healthy) return;
    healthy = false;
    // Only the message: an ioredis error carries no credentials, but the options object would.
    log.warn({ component: 'redis', error: error.message }, 'redis unavailable; caches degrade');
  });
}
