// The Cache contract: the behaviour every Cache adapter must share (docs/style.md, "Contract
// suites"). Run by in-process.cache.unit.test.ts and redis.cache.int.test.ts; never run alone.
// Expiry is tested with real, short waits so that the same test holds for a remote server's clock.
import { randomBytes } from 'node:crypto';
import { InvariantViolation } from '../../errors/assert';
import { CACHE_KEY_LENGTH_MAX, CACHE_TTL_MS_MAX, type Cache } from '../../ports/cache.port';

export type StartCache = () => Promise<{ cache: Cache; stop(): Promise<void> }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const aKey = (label: string) => `contract:${label}:${randomBytes(6).toString('hex')}`;
const MINUTE_MS = 60_000;

export function cacheContract(adapterName: string, start: StartCache): void {
  describe(`Cache contract: ${adapterName}`, () => {
    let subject: Awaited<ReturnType<StartCache>>;
    let cache: Cache;
    beforeEach(async () => {
      subject = await start();
      cache = subject.cache;
    });
    afterEach(() => subject.stop());

    test('an absent key reads as null', async () => {
      expect(await cache.get(aKey('absent'))).toBeNull();
    });

    test('a value set is read back, and a second set replaces it', async () => {
      const key = aKey('set');
      await cache.set(key, 'first', { ttlMs: MINUTE_MS });
      expect(await cache.get(key)).toBe('first');
      await cache.set(key, 'second', { ttlMs: MINUTE_MS });
      expect(await cache.get(key)).toBe('second');
    });

    test('values round-trip byte for byte, including unicode and empty strings', async () => {
      const values = ['', 'RM 10.50 — ok ✓ 🚀', '{"amount":"1050"}', 'x'.repeat(100_000)];
      for (const value of values) {
        const key = aKey('unicode');
        await cache.set(key, value, { ttlMs: MINUTE_MS });
        expect(await cache.get(key)).toBe(value);
      }
    });

    test('delete removes a key, and deleting an absent key is not an error', async () => {
      const key = aKey('delete');
      await cache.set(key, 'v', { ttlMs: MINUTE_MS });
      await cache.delete(key);
      expect(await cache.get(key)).toBeNull();
      await expect(cache.delete(key)).resolves.toBeUndefined();
    });

    test('an entry is gone after its time to live', async () => {
      const key = aKey('ttl');
      await cache.set(key, 'short-lived', { ttlMs: 60 });
      expect(await cache.get(key)).toBe('short-lived');
      await sleep(150);
      expect(await cache.get(key)).toBeNull();
    });

    test('keys are independent', async () => {
      const [first, second] = [aKey('a'), aKey('b')];
      await cache.set(first, '1', { ttlMs: MINUTE_MS });
      expect(await cache.get(second)).toBeNull();
      expect((await cache.incrementWindow(second, MINUTE_MS)).count).toBe(1);
      expect(await cache.get(first)).toBe('1');
    });

    test('incrementWindow counts within one window and reports when it resets', async () => {
      const key = aKey('window');
      const counts = [];
      for (let i = 0; i < 3; i += 1) counts.push(await cache.incrementWindow(key, MINUTE_MS));
      expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
      for (const { resetInMs } of counts) {
        expect(resetInMs).toBeGreaterThan(MINUTE_MS - 5_000);
        expect(resetInMs).toBeLessThanOrEqual(MINUTE_MS);
      }
    });

    test('incrementWindow starts again at 1 once the window has passed', async () => {
      const key = aKey('window-reset');
      await cache.incrementWindow(key, 60);
      expect((await cache.incrementWindow(key, 60)).count).toBe(2);
      await sleep(150);
      expect((await cache.incrementWindow(key, 60)).count).toBe(1);
    });

    test('concurrent increments are all counted', async () => {
      const key = aKey('window-concurrent');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => cache.incrementWindow(key, MINUTE_MS)),
      );
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    test('unbounded keys and lifetimes are refused as bugs', async () => {
      const tooLong = 'k'.repeat(CACHE_KEY_LENGTH_MAX + 1);
      await expect(cache.get(tooLong)).rejects.toBeInstanceOf(InvariantViolation);
      await expect(cache.get('')).rejects.toBeInstanceOf(InvariantViolation);
      const key = aKey('bounds');
      for (const ttlMs of [0, -1, 1.5, CACHE_TTL_MS_MAX + 1, Number.NaN]) {
        await expect(cache.set(key, 'v', { ttlMs })).rejects.toBeInstanceOf(InvariantViolation);
      }
      await expect(cache.incrementWindow(key, 0)).rejects.toBeInstanceOf(InvariantViolation);
    });
  });
}
