// A Cache that lives in another thread of this process: `tng serve` runs the projector in a
// background thread, and the wallet views it writes must land in the API thread's cache when
// that cache is the in-process one (with Redis both threads use Redis instead). Calls cross
// through port-rpc; `serveCache` answers them on the side that owns the cache. Preconditions
// are checked here, so a caller bug fails as InvariantViolation on the calling side; a failure
// on the far side arrives as InfraError, which callers already treat as "the cache is down".
// Writes (set, delete) are sent without waiting for the owner's reply: the projector must
// never wait for a busy API thread to take its views. The port delivers in order, so a read
// sent after a write still sees it; a write the owner fails is lost, as a cache may lose
// any entry.
import { portRpc, type PortRpc, type RpcPort } from '../../concurrency/port-rpc';
import { InfraError } from '../../errors/domain-error';
import type { Cache, WindowCount } from '../../ports/cache.port';
import { assertCacheDurationMs, assertCacheKey, assertCacheValue } from './cache-preconditions';

export class RemoteCache implements Cache {
  constructor(private readonly rpc: Pick<PortRpc, 'call' | 'notify'>) {}

  async get(key: string): Promise<string | null> {
    assertCacheKey(key);
    return this.remote<string | null>('cache.get', key);
  }

  async set(key: string, value: string, options: { ttlMs: number }): Promise<void> {
    assertCacheKey(key);
    assertCacheValue(value);
    assertCacheDurationMs(options.ttlMs);
    this.rpc.notify('cache.set', key, value, { ttlMs: options.ttlMs });
  }

  async delete(key: string): Promise<void> {
    assertCacheKey(key);
    this.rpc.notify('cache.delete', key);
  }

  async incrementWindow(key: string, windowMs: number): Promise<WindowCount> {
    assertCacheKey(key);
    assertCacheDurationMs(windowMs);
    return this.remote<WindowCount>('cache.incrementWindow', key, windowMs);
  }

  private async remote<T>(method: string, ...args: unknown[]): Promise<T> {
    try {
      return await this.rpc.call<T>(method, ...args);
    } catch (error) {
      throw new InfraError(`cache call ${method} failed`, { cause: error });
    }
  }
}

/** The handlers that answer a RemoteCache's calls with `cache`, for port-rpc. */
export const cacheHandlers = (cache: Cache) => ({
  'cache.get': (key: string) => cache.get(key),
  'cache.set': (key: string, value: string, options: { ttlMs: number }) =>
    cache.set(key, value, options),
  'cache.delete': (key: string) => cache.delete(key),
  'cache.incrementWindow': (key: string, windowMs: number) => cache.incrementWindow(key, windowMs),
});

/** Serves `cache` on `port` (the owning side); returns the rpc, to close with the port. */
export const serveCache = (port: RpcPort, cache: Cache): PortRpc =>
  portRpc(port, cacheHandlers(cache));
