// Goal: a cache in another thread, reached over a message port, keeps the Cache contract, and
// a far side that fails or goes away reads as InfraError (the cache is down), never a hang.
import { MessageChannel } from 'node:worker_threads';
import { portRpc } from '../../concurrency/port-rpc';
import { InfraError } from '../../errors/domain-error';
import { cacheContract } from '../../testing/contracts/cache.contract';
import { InProcessCache } from './in-process.cache';
import { RemoteCache, serveCache } from './remote.cache';

function remoteCacheOverChannel() {
  const channel = new MessageChannel();
  const owner = serveCache(channel.port1, new InProcessCache());
  const caller = portRpc(channel.port2);
  return {
    cache: new RemoteCache(caller),
    caller,
    stop: async () => {
      owner.close();
      caller.close();
      channel.port1.close();
      channel.port2.close();
    },
  };
}

cacheContract('remote (over a MessageChannel)', async () => remoteCacheOverChannel());

describe('RemoteCache failures', () => {
  test('a failure on the owning side arrives as InfraError', async () => {
    const channel = new MessageChannel();
    const failing = new InProcessCache();
    failing.get = async () => {
      throw new Error('owner broke');
    };
    const owner = serveCache(channel.port1, failing);
    const caller = portRpc(channel.port2);
    try {
      await expect(new RemoteCache(caller).get('k')).rejects.toBeInstanceOf(InfraError);
    } finally {
      owner.close();
      caller.close();
      channel.port1.close();
      channel.port2.close();
    }
  });

  test('writes do not wait for the owner, and a read after them still sees them', async () => {
    const channel = new MessageChannel();
    const caller = portRpc(channel.port2);
    const cache = new RemoteCache(caller);
    // Nobody serves port1 yet: a write that waited for a reply would never resolve.
    await cache.set('k', 'v', { ttlMs: 60_000 });
    await cache.delete('gone');
    const owner = serveCache(channel.port1, new InProcessCache());
    try {
      expect(await cache.get('k')).toBe('v');
    } finally {
      owner.close();
      caller.close();
      channel.port1.close();
      channel.port2.close();
    }
  });

  test('calls waiting when the caller closes fail instead of hanging', async () => {
    const channel = new MessageChannel();
    const caller = portRpc(channel.port2); // Nobody serves port1: the call would wait forever.
    const pending = new RemoteCache(caller).get('k');
    caller.close('background thread stopped');
    await expect(pending).rejects.toBeInstanceOf(InfraError);
    await expect(new RemoteCache(caller).get('k')).rejects.toBeInstanceOf(InfraError);
    channel.port1.close();
    channel.port2.close();
  });
});
