// Goal: a cache in another thread, reached over a message port, keeps the Cache contract, and
// a far side that fails or goes away reads as InfraError (the cache is down), never a hang.
import { MessageChannel } from 'node:worker_threads';
import { portRpc, type PortRpc } from '../../concurrency/port-rpc';
import { InfraError } from '../../errors/domain-error';
import type { Cache } from '../../ports/cache.port';
import { cacheContract } from '../../testing/contracts/cache.contract';
import { InProcessCache } from './in-process.cache';
import { RemoteCache, serveCache } from './remote.cache';

/**
 * A RemoteCache on one end of a channel; `owned`, if given, served on the other end at once
 * (else `serve` does it later, so calls can be made while nobody answers).
 */
function remoteCacheOverChannel(owned?: Cache) {
  const channel = new MessageChannel();
  const caller = portRpc(channel.port2);
  const owners: PortRpc[] = [];
  const serve = (cache: Cache) => owners.push(serveCache(channel.port1, cache));
  if (owned) serve(owned);
  return {
    cache: new RemoteCache(caller),
    caller,
    serve,
    stop: async () => {
      for (const owner of owners) owner.close();
      caller.close();
      channel.port1.close();
      channel.port2.close();
    },
  };
}

cacheContract('remote (over a MessageChannel)', async () =>
  remoteCacheOverChannel(new InProcessCache()));

describe('RemoteCache failures', () => {
  test('a failure on the owning side arrives as InfraError', async () => {
    const failing = new InProcessCache();
    failing.get = async () => {
      throw new Error('owner broke');
    };
    const remote = remoteCacheOverChannel(failing);
    try {
      await expect(remote.cache.get('k')).rejects.toBeInstanceOf(InfraError);
    } finally {
      await remote.stop();
    }
  });

  test('writes do not wait for the owner, and a read after them still sees them', async () => {
    const remote = remoteCacheOverChannel();
    try {
      // Nobody serves the other end yet: a write that waited for a reply would never resolve.
      await remote.cache.set('k', 'v', { ttlMs: 60_000 });
      await remote.cache.delete('gone');
      remote.serve(new InProcessCache());
      expect(await remote.cache.get('k')).toBe('v');
    } finally {
      await remote.stop();
    }
  });

  test('calls waiting when the caller closes fail instead of hanging', async () => {
    const remote = remoteCacheOverChannel(); // Nobody serves: the call would wait forever.
    const pending = remote.cache.get('k');
    remote.caller.close('background thread stopped');
    await expect(pending).rejects.toBeInstanceOf(InfraError);
    await expect(remote.cache.get('k')).rejects.toBeInstanceOf(InfraError);
    await remote.stop();
  });
});
