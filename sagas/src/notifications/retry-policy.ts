// How the saga retries a retryable send (a 4xx, an unreachable server): at most
// `attemptsMax` sends, waiting between them an exponentially growing delay, capped, with
// jitter so that many e-mails failing together do not retry in lockstep. Pure: the random
// source comes in, so a test can fix it.

export type RetryPolicy = Readonly<{
  /** Sends in all, the first included; then the e-mail is dead-lettered. */
  attemptsMax: number;
  /** Delay before the second send; doubles each time after. */
  delayMsMin: number;
  /** No wait is longer than this. */
  delayMsMax: number;
}>;

/**
 * The wait after failed send number `attempt` (1-based): the capped exponential delay, of
 * which the upper half is random ("equal jitter"), so a wait is never below half of it.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const exponent = Math.min(attempt - 1, 30); // 2^30 ms is already past any cap.
  const capped = Math.min(policy.delayMsMax, policy.delayMsMin * 2 ** exponent);
  const half = capped / 2;
  return Math.round(half + half * random());
}
