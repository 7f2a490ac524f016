// Goal: the limiter's arithmetic on the in-process fixed-window counter with a pinned clock:
// the limit-th request passes and the next is refused, the window starts again after
// windowMs, Reset and Retry-After are whole seconds of at least 1, subjects and policies
// count apart, and a failing cache fails open with one log line per interval.
import { InProcessCache } from '../adapters/cache/in-process.cache';
import { InvariantViolation } from '../errors/assert';
import { InfraError } from '../errors/domain-error';
import type { Cache } from '../ports/cache.port';
import type { RateLimitPolicy } from './rate-limit-policies';
import { decideWindow, RateLimiter, rateLimitKey, type RateLimitLog } from './rate-limiter';

const POLICY: RateLimitPolicy = { name: 'test', limit: 3, windowMs: 10_000 };

function clock(startMs = 1_700_000_000_000) {
  let nowMs = startMs;
  return { nowMs: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

const silentLog: RateLimitLog = { warn: () => {} };

function limiterWithClock() {
  const time = clock();
  const cache = new InProcessCache({ nowMs: time.nowMs });
  return { time, limiter: new RateLimiter({ cache, log: silentLog, nowMs: time.nowMs }) };
}

test('the limit-th request passes and the next one is refused', async () => {
  const { limiter } = limiterWithClock();
  const decisions = [];
  for (let request = 1; request <= 4; request += 1) {
    decisions.push(await limiter.check(POLICY, 'user-1'));
  }
  expect(decisions.map((d) => d?.allowed)).toEqual([true, true, true, false]);
  expect(decisions.map((d) => d?.remaining)).toEqual([2, 1, 0, 0]);
  expect(decisions.every((d) => d?.limit === 3)).toBe(true);
});

test('the window starts again after windowMs, counted from its first request', async () => {
  const { time, limiter } = limiterWithClock();
  await limiter.check(POLICY, 'user-1');
  time.advance(9_999);
  await limiter.check(POLICY, 'user-1');
  await limiter.check(POLICY, 'user-1');
  expect((await limiter.check(POLICY, 'user-1'))?.allowed).toBe(false);
  time.advance(1);
  const fresh = await limiter.check(POLICY, 'user-1');
  expect(fresh).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 10 });
});

test('Reset rounds up to whole seconds and is never below 1', async () => {
  const { time, limiter } = limiterWithClock();
  expect((await limiter.check(POLICY, 'user-1'))?.resetSeconds).toBe(10);
  time.advance(8_500);
  expect((await limiter.check(POLICY, 'user-1'))?.resetSeconds).toBe(2);
  time.advance(1_499);
  expect((await limiter.check(POLICY, 'user-1'))?.resetSeconds).toBe(1);
  expect(decideWindow(POLICY, { count: 9, resetInMs: 0 }).resetSeconds).toBe(1);
});

test('subjects and policies count apart', async () => {
  const { limiter } = limiterWithClock();
  const other: RateLimitPolicy = { ...POLICY, name: 'other' };
  for (let request = 1; request <= 3; request += 1) await limiter.check(POLICY, 'user-1');
  expect((await limiter.check(POLICY, 'user-1'))?.allowed).toBe(false);
  expect((await limiter.check(POLICY, 'user-2'))?.allowed).toBe(true);
  expect((await limiter.check(other, 'user-1'))?.allowed).toBe(true);
  expect(rateLimitKey(POLICY, 'user-1')).toBe('rl:test:user-1');
  expect(rateLimitKey(POLICY, 'x'.repeat(1000))).toHaveLength('rl:test:'.length + 128);
});

function failingCache(error: Error): Cache {
  return {
    get: async () => null,
    set: async () => {},
    delete: async () => {},
    incrementWindow: async () => {
      throw error;
    },
  };
}

test('a failing cache fails open and is logged at most once per interval', async () => {
  const time = clock();
  const lines: Array<Record<string, unknown>> = [];
  const limiter = new RateLimiter({
    cache: failingCache(new InfraError('redis incrementWindow timed out')),
    log: { warn: (fields) => lines.push(fields) },
    nowMs: time.nowMs,
    failureLogIntervalMs: 60_000,
  });
  for (let request = 1; request <= 5; request += 1) {
    expect(await limiter.check(POLICY, 'user-1')).toBeNull();
  }
  expect(lines).toHaveLength(1);
  time.advance(60_000);
  expect(await limiter.check(POLICY, 'user-1')).toBeNull();
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatchObject({ failuresSinceLastLog: 5 });
});

test('an error that is not an InfraError is a bug, and is thrown', async () => {
  const limiter = new RateLimiter({
    cache: failingCache(new InvariantViolation('a key too long')),
    log: silentLog,
  });
  await expect(limiter.check(POLICY, 'user-1')).rejects.toBeInstanceOf(InvariantViolation);
});
