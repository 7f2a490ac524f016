// Failed logins limited per account (docs/api.md "Login limits"), next to the per-address
// limit of rate-limit.ts. The account is the normalised e-mail (trimmed, NFKC, lower case),
// registered or not, so the answer never tells which e-mails exist; it is stored hashed, so
// counters in Redis hold no addresses. Each failure counts in a fixed window of
// LOGIN_FAILURE_POLICY; the failure that reaches the limit locks the account until that
// window ends: every attempt, from any address and with any password, is then 429
// `rate_limited` with Retry-After, before any password work.
// Attempts on one account run one at a time in this process, so a burst of parallel guesses
// cannot all pass the check before the first failure is counted (across replicas, at most
// one attempt per replica can overtake the lock). Like every limit, this fails open when
// its cache fails (the RateLimiter logs it): Redis serves speed, never correctness.
import { createHash } from 'node:crypto';
import { KeyedMutex } from '../concurrency/keyed-mutex';
import { DomainError, InfraError } from '../errors/domain-error';
import type { Cache } from '../ports/cache.port';
import type { Metrics } from '../telemetry/metrics';
import { LOGIN_FAILURE_POLICY, type RateLimitPolicy } from './rate-limit-policies';
import { rateLimitKey, type RateLimiter } from './rate-limiter';

const LOGIN_ROUTE = '/v1/auth/login';

export type LoginAttempts = Readonly<{
  /** Runs `login` for `email` under the account's limit; counts it if it fails. */
  attempt<T>(email: string, login: () => Promise<T>): Promise<T>;
}>;

export type LoginLimiterOptions = Readonly<{
  limiter: RateLimiter;
  /** Where the lock lives: the limiter's cache (Redis, or the in-process one). */
  cache: Cache;
  metrics: Pick<Metrics, 'rateLimited'>;
  policy?: RateLimitPolicy;
  /** Injected clock (ms since the epoch); the lock's end is stored as such an instant. */
  nowMs?: () => number;
}>;

/** The account a login names: trimmed, NFKC, lower case (as e-mails are compared). */
export const loginAccount = (email: string): string => email.trim().normalize('NFKC').toLowerCase();

/** The failure the limit counts: a wrong password or an unknown e-mail. */
const isFailedLogin = (error: unknown): boolean =>
  error instanceof DomainError && error.code === 'invalid_credentials';

export class LoginLimiter implements LoginAttempts {
  private readonly policy: RateLimitPolicy;
  private readonly nowMs: () => number;
  private readonly inFlight = new KeyedMutex();

  constructor(private readonly options: LoginLimiterOptions) {
    this.policy = options.policy ?? LOGIN_FAILURE_POLICY;
    this.nowMs = options.nowMs ?? Date.now;
  }

  attempt<T>(email: string, login: () => Promise<T>): Promise<T> {
    const account = createHash('sha256').update(loginAccount(email)).digest('hex');
    return this.inFlight.withKeys([account], async () => {
      const lockedForMs = await this.lockedForMs(account);
      if (lockedForMs > 0) throw this.refusal(lockedForMs);
      try {
        return await login();
      } catch (error) {
        if (isFailedLogin(error)) await this.countFailure(account);
        throw error;
      }
    });
  }

  private lockKey(account: string): string {
    return rateLimitKey({ ...this.policy, name: `${this.policy.name}-lock` }, account);
  }

  /** How long the account stays locked; 0 when it is not (or the cache cannot say). */
  private async lockedForMs(account: string): Promise<number> {
    let until: string | null;
    try {
      until = await this.options.cache.get(this.lockKey(account));
    } catch (error) {
      if (!(error instanceof InfraError)) throw error;
      this.options.limiter.cacheFailed(error);
      return 0;
    }
    return until === null ? 0 : Math.max(0, Number(until) - this.nowMs());
  }

  private async countFailure(account: string): Promise<void> {
    const decision = await this.options.limiter.check(this.policy, account);
    if (decision === null || decision.remaining > 0) return;
    // The limit-th failure: lock the account for what is left of the window.
    const ttlMs = decision.resetSeconds * 1000;
    try {
      const until = String(this.nowMs() + ttlMs);
      await this.options.cache.set(this.lockKey(account), until, { ttlMs });
    } catch (error) {
      if (!(error instanceof InfraError)) throw error;
      this.options.limiter.cacheFailed(error);
    }
  }

  private refusal(lockedForMs: number): DomainError {
    this.options.metrics.rateLimited.inc({ route: LOGIN_ROUTE });
    const retryAfterSeconds = Math.max(1, Math.ceil(lockedForMs / 1000));
    return new DomainError(
      'rate_limited',
      `too many failed logins for this account; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
}
