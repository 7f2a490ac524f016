// Counts requests against a RateLimitPolicy on the Cache port's fixed-window counter and
// decides allow or refuse. Redis serves speed, never correctness (docs/architecture.md "Redis"):
// when the cache fails (an InfraError, e.g. Redis down) the limiter fails OPEN and lets the request
// through, logging at most once per interval so an outage does not flood the logs.
// Invariants: `remaining` is never negative; `resetSeconds` is at least 1 (a Retry-After of
// 0 invites an immediate retry storm); any error other than InfraError is a bug and is thrown.
import { InfraError } from '../errors/domain-error';
import type { Cache, WindowCount } from '../ports/cache.port';
import type { RateLimitPolicy } from './rate-limit-policies';

/** At most one "failing open" log line per this interval while the cache keeps failing. */
export const RATE_LIMIT_FAILURE_LOG_INTERVAL_MS = 60_000;
/** Subjects are client IPs and user ids; anything longer is cut so keys stay bounded. */
export const RATE_LIMIT_SUBJECT_LENGTH_MAX = 128;

export type RateLimitDecision = Readonly<{
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window closes: RateLimit-Reset, and Retry-After when refused. */
  resetSeconds: number;
}>;

export type RateLimitLog = Readonly<{
  warn(fields: Record<string, unknown>, message: string): void;
}>;

export type RateLimiterOptions = Readonly<{
  cache: Cache;
  log: RateLimitLog;
  /** Injected clock (ms since the epoch) for the log throttle; the cache keeps its own. */
  nowMs?: () => number;
  failureLogIntervalMs?: number;
}>;

/** Pure: the decision for a window count. The request that makes count = limit is allowed. */
export function decideWindow(policy: RateLimitPolicy, counted: WindowCount): RateLimitDecision {
  return {
    allowed: counted.count <= policy.limit,
    limit: policy.limit,
    remaining: Math.max(0, policy.limit - counted.count),
    resetSeconds: Math.max(1, Math.ceil(counted.resetInMs / 1000)),
  };
}

export const rateLimitKey = (policy: RateLimitPolicy, subject: string): string =>
  `rl:${policy.name}:${subject.slice(0, RATE_LIMIT_SUBJECT_LENGTH_MAX)}`;

export class RateLimiter {
  private readonly nowMs: () => number;
  private readonly failureLogIntervalMs: number;
  private lastFailureLogMs = Number.NEGATIVE_INFINITY;
  private failuresSinceLog = 0;

  constructor(private readonly options: RateLimiterOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.failureLogIntervalMs = options.failureLogIntervalMs ?? RATE_LIMIT_FAILURE_LOG_INTERVAL_MS;
  }

  /** Counts one request by `subject`; null when the cache failed and the request may pass. */
  async check(policy: RateLimitPolicy, subject: string): Promise<RateLimitDecision | null> {
    let counted: WindowCount;
    try {
      counted = await this.options.cache.incrementWindow(
        rateLimitKey(policy, subject),
        policy.windowMs,
      );
    } catch (error) {
      if (!(error instanceof InfraError)) throw error;
      this.cacheFailed(error);
      return null;
    }
    return decideWindow(policy, counted);
  }

  /** Logs a failure of the counters' cache (throttled); for callers that read it too. */
  cacheFailed(error: InfraError): void {
    this.failuresSinceLog += 1;
    const now = this.nowMs();
    if (now - this.lastFailureLogMs < this.failureLogIntervalMs) return;
    this.options.log.warn(
      { err: error, failuresSinceLastLog: this.failuresSinceLog },
      'rate-limit counters unavailable; failing open',
    );
    this.lastFailureLogMs = now;
    this.failuresSinceLog = 0;
  }
}
