// Goal: the retry delays grow exponentially from the minimum, stop at the cap, and keep their
// jitter within the upper half of each delay.
import { retryDelayMs } from './retry-policy';

const policy = { attemptsMax: 5, delayMsMin: 100, delayMsMax: 1_000 };

test('doubles from the minimum and stops at the cap (no jitter drawn: the top of the range)', () => {
  const top = () => 1;
  expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(policy, attempt, top)))
    .toEqual([100, 200, 400, 800, 1_000, 1_000]);
});

test('jitter keeps each delay between half and all of it', () => {
  expect(retryDelayMs(policy, 3, () => 0)).toBe(200);
  expect(retryDelayMs(policy, 3, () => 0.5)).toBe(300);
  expect(retryDelayMs(policy, 40, () => 0)).toBe(500);
});
