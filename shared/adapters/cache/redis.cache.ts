// The Redis Cache adapter, shared by all replicas. Every call is bounded by its own timeout
// (on top of the client's), and every Redis failure or timeout surfaces as InfraError so the
// caller can fall back to Postgres or to no cache; Redis is never needed for correctness.
// Keys are namespaced with a prefix so several environments or test runs can share a server.
import type { Redis } from 'ioredis';
import { InfraError } from '../../errors/domain-error';
import type { Cache, WindowCount } from '../../ports/cache.port';
import { assertCacheDurationMs, assertCacheKey, assertCacheValue } from './cache-preconditions';

export const REDIS_CACHE_KEY_PREFIX_DEFAULT = 'tng:';
/** A cache answer slower than this is worth less than no answer: the caller degrades. */
export const REDIS_CACHE_CALL_TIMEOUT_MS_DEFAULT = 250;

export type RedisCacheOptions = Readonly<{
  /** The shared client (createRedisClient); the cache does not own or close it. */
  client: Redis;
  keyPrefix?: string;
  callTimeoutMs?: number;
}>;

export class RedisCache implements Cache {
  private readonly client: Redis;
  private readonly keyPrefix: string;
  private readonly callTimeoutMs: number;

  constructor(options: RedisCacheOptions) {
    this.client = options.client;
    this.keyPrefix = options.keyPrefix ?? REDIS_CACHE_KEY_PREFIX_DEFAULT;
    this.callTimeoutMs = options.callTimeoutMs ?? REDIS_CACHE_CALL_TIMEOUT_MS_DEFAULT;
  }

  async get(key: string): Promise<string | null> {
    assertCacheKey(key);
    return this.call('get', () => this.client.get(this.keyPrefix + key));
  }

  async set(key: string, value: string, options: { ttlMs: number }): Promise<void> {
    assertCacheKey(key);
    assertCacheValue(value);
    assertCacheDurationMs(options.ttlMs);
    await this.call('set', () => this.client.set(this.keyPrefix + key, value, 'PX', options.ttlMs));
  }

  async delete(key: string): Promise<void> {
    assertCacheKey(key);
    await this.call('delete', () => this.client.del(this.keyPrefix + key));
  }

  async incrementWindow(key: string, windowMs: number): Promise<WindowCount> {
    assertCacheKey(key);
    assertCacheDurationMs(windowMs);
    const fullKey = this.keyPrefix + key;
    // One atomic MULTI: create the window with its expiry if absent, count, read what is left.
    // SET NX PX instead of PEXPIRE NX keeps this working on Redis before 7.0.
    const replies = await this.call('incrementWindow', () =>
      this.client
        .multi()
        .set(fullKey, '0', 'PX', windowMs, 'NX')
        .incr(fullKey)
        .pttl(fullKey)
        .exec(),
    );
    return parseWindowReplies(replies, windowMs);
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InfraError(`redis ${operation} timed out after ${this.callTimeoutMs} ms`)),
        this.callTimeoutMs,
      );
    });
    const command = run();
    // If the timeout wins, the command may still fail later; that rejection is expected.
    command.catch(() => {});
    try {
      return await Promise.race([command, timeout]);
    } catch (error) {
      if (error instanceof InfraError) throw error;
      throw new InfraError(`redis ${operation} failed`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

type ExecReplies = Array<[error: Error | null, result: unknown]> | null;

function parseWindowReplies(replies: ExecReplies, windowMs: number): WindowCount {
  const counted = replies?.[1];
  const remaining = replies?.[2];
  if (!counted || !remaining || counted[0] || remaining[0]) {
    throw new InfraError('redis incrementWindow failed', { cause: counted?.[0] ?? remaining?.[0] });
  }
  const count = Number(counted[1]);
  const pttl = Number(remaining[1]);
  // PTTL is -1 only if something removed the expiry; report a full window rather than none.
  const resetInMs = pttl > 0 ? pttl : windowMs;
  return { count, resetInMs };
}
