// Goal: the in-process revoked-session set keeps every revocation until its expiry, never
// grows past its bound, and says when it had to drop one (so callers ask Postgres instead).
import { RevokedSessionSet } from './revoked-session-set';

test('holds a revocation until its expiry, keeping the later of two expiries', () => {
  let now = 1_000;
  const set = new RevokedSessionSet(10, () => now);
  set.add('s1', 2_000);
  set.add('s1', 1_500);
  set.add('s2', 900); // Already expired: nothing to keep.
  expect([set.has('s1'), set.has('s2'), set.size]).toEqual([true, false, 1]);
  now = 1_999;
  expect(set.has('s1')).toBe(true);
  now = 2_000;
  expect(set.has('s1')).toBe(false);
  set.pruneExpired();
  expect(set.size).toBe(0);
});

test('when full it drops expired entries first, then reports the overflow', () => {
  let now = 0;
  const set = new RevokedSessionSet(2, () => now);
  set.add('a', 100);
  set.add('b', 1_000);
  now = 100;
  set.add('c', 1_000); // 'a' expired, so there is room.
  expect([set.overflowed, set.has('c')]).toEqual([false, true]);
  set.add('d', 1_000);
  expect([set.overflowed, set.has('d'), set.size]).toEqual([true, false, 2]);
  set.clearOverflow();
  expect(set.overflowed).toBe(false);
});
