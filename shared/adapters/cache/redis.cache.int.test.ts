// Goal: the Redis cache passes the shared Cache contract against a real Redis, isolates its
// keys by prefix, and turns every Redis failure (down, or hanging) into a prompt InfraError.
// The contract part skips, saying why, when no Redis answers; the failure part needs none.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { InfraError } from '../../errors/domain-error';
import { cacheContract } from '../../testing/contracts/cache.contract';
import { testEnv } from '../../testing/test-env';
import { createRedisClient, type RedisClientLog } from './redis-client';
import { RedisCache } from './redis.cache';

const redisUrl = testEnv.redisUrl();
const describeRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) process.stderr.write(`[redis.cache] skipped: ${testEnv.redisSkipReason()}\n`);

const quietLog: RedisClientLog = { info: () => {}, warn: () => {} };
const aPrefix = () => `tng-test:${randomBytes(6).toString('hex')}:`;

async function readyClient(url: string): Promise<Redis> {
  const client = createRedisClient(url, quietLog);
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}

describeRedis('RedisCache against a real Redis', () => {
  cacheContract('redis', async () => {
    const client = await readyClient(redisUrl!);
    // The contract is about meaning, not latency: the production timeout (250 ms) fired here
    // once when CI's two cores were saturated. The timeout itself is tested further down.
    const cache = new RedisCache({ client, keyPrefix: aPrefix(), callTimeoutMs: 5_000 });
    return { cache, stop: async () => { await client.quit(); } };
  });

  test('keys are namespaced by the prefix', async () => {
    const client = await readyClient(redisUrl!);
    try {
      const prefix = aPrefix();
      const first = new RedisCache({ client, keyPrefix: prefix, callTimeoutMs: 5_000 });
      const other = new RedisCache({ client, keyPrefix: aPrefix(), callTimeoutMs: 5_000 });
      await first.set('balance:w1', '1050', { ttlMs: 10_000 });
      expect(await other.get('balance:w1')).toBeNull();
      expect(await client.get(`${prefix}balance:w1`)).toBe('1050');
      expect(await client.pttl(`${prefix}balance:w1`)).toBeGreaterThan(9_000);
    } finally {
      await client.quit();
    }
  });
});

describe('RedisCache when Redis fails', () => {
  test('a Redis that refuses connections fails fast with InfraError', async () => {
    const client = createRedisClient('redis://127.0.0.1:1', quietLog);
    try {
      const cache = new RedisCache({ client });
      const startedMs = Date.now();
      await expect(cache.get('k')).rejects.toBeInstanceOf(InfraError);
      await expect(cache.set('k', 'v', { ttlMs: 1_000 })).rejects.toBeInstanceOf(InfraError);
      await expect(cache.incrementWindow('k', 1_000)).rejects.toBeInstanceOf(InfraError);
      expect(Date.now() - startedMs).toBeLessThan(500);
    } finally {
      client.disconnect();
    }
  });

  test('a Redis that accepts but never answers times out with InfraError', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => { sockets.push(socket); });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    // No ready check or client info: the silent server would never answer them, and the GET
    // must actually be sent for the adapter's own timeout to be what fires.
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true,
      enableReadyCheck: false, disableClientInfo: true, enableOfflineQueue: false,
      maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      const cache = new RedisCache({ client, callTimeoutMs: 100 });
      const startedMs = Date.now();
      const error = await cache.get('k').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InfraError);
      expect((error as Error).message).toMatch(/timed out/);
      expect(Date.now() - startedMs).toBeLessThan(1_000);
    } finally {
      client.disconnect();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});
