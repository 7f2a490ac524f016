// Goal: failed logins are limited per account: the 10th failure in the window locks the
// account, whatever the address or password, until the window ends; the locked attempt does
// no password work; other accounts and successes are not counted; the account is the
// normalised e-mail; parallel guesses cannot overtake the count; a failing cache fails open.
import { InProcessCache } from '../adapters/cache/in-process.cache';
import { DomainError, InfraError } from '../errors/domain-error';
import type { Cache } from '../ports/cache.port';
import { createMetrics } from '../telemetry/metrics';
import { LoginLimiter, loginAccount } from './rate-limit-login';
import { LOGIN_FAILURE_POLICY } from './rate-limit-policies';
import { RateLimiter } from './rate-limiter';

const LIMIT = LOGIN_FAILURE_POLICY.limit;
const START_MS = Date.UTC(2026, 0, 1, 9, 0, 0);

function limiterWith(options: { cache?: Cache; warnings?: unknown[] } = {}) {
  let now = START_MS;
  const nowMs = () => now;
  const cache = options.cache ?? new InProcessCache({ nowMs });
  const log = { warn: (fields: Record<string, unknown>) => options.warnings?.push(fields) };
  const limiter = new RateLimiter({ cache, log, nowMs });
  const metrics = createMetrics();
  const logins = new LoginLimiter({ limiter, cache, metrics, nowMs });
  return { logins, metrics, advance: (ms: number) => { now += ms; } };
}

const wrong = async (): Promise<string> => {
  throw new DomainError('invalid_credentials', 'e-mail or password is wrong');
};
const right = async () => 'tokens';

async function outcome(run: Promise<string>): Promise<string> {
  try {
    return await run;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
}

async function failTimes(logins: LoginLimiter, email: string, times: number) {
  const outcomes: string[] = [];
  for (let attempt = 0; attempt < times; attempt += 1) {
    outcomes.push(await outcome(logins.attempt(email, wrong)));
  }
  return outcomes;
}

test('the 10th failure locks the account: the right password is refused too', async () => {
  const { logins, metrics } = limiterWith();
  expect(await failTimes(logins, 'a@example.com', LIMIT)).toEqual(
    Array(LIMIT).fill('invalid_credentials'));
  let tried = false;
  const refused = logins.attempt('a@example.com', async () => {
    tried = true;
    return 'tokens';
  });
  await expect(refused).rejects.toMatchObject({ code: 'rate_limited' });
  const error = (await refused.catch((caught: unknown) => caught)) as DomainError;
  expect(error.details.retryAfterSeconds).toBe(LOGIN_FAILURE_POLICY.windowMs / 1000);
  expect(tried).toBe(false); // No password work for a locked account.
  const counted = await metrics.registry.getSingleMetricAsString('tng_rate_limited_total');
  expect(counted).toContain('route="/v1/auth/login"} 1');
});

test('the lock ends with the window of the first failure', async () => {
  const { logins, advance } = limiterWith();
  await failTimes(logins, 'a@example.com', LIMIT);
  advance(LOGIN_FAILURE_POLICY.windowMs - 1_000);
  expect(await outcome(logins.attempt('a@example.com', right))).toBe('rate_limited');
  advance(1_000);
  expect(await outcome(logins.attempt('a@example.com', right))).toBe('tokens');
});

test('failures of one account never lock another; successes do not count', async () => {
  const { logins } = limiterWith();
  await failTimes(logins, 'a@example.com', LIMIT);
  for (let attempt = 0; attempt < 3 * LIMIT; attempt += 1) {
    expect(await outcome(logins.attempt('b@example.com', right))).toBe('tokens');
  }
  expect(await failTimes(logins, 'b@example.com', LIMIT - 1)).toEqual(
    Array(LIMIT - 1).fill('invalid_credentials'));
  expect(await outcome(logins.attempt('b@example.com', right))).toBe('tokens');
});

test('the account is the normalised e-mail: spacing, case and NFKC forms are one', async () => {
  expect(loginAccount('  Alice@Example.COM ')).toBe('alice@example.com');
  expect(loginAccount('ａｌｉｃｅ@example.com')).toBe('alice@example.com');
  const { logins } = limiterWith();
  const spellings = ['alice@example.com', ' ALICE@example.com', 'ａｌｉｃｅ@EXAMPLE.com'];
  for (let attempt = 0; attempt < LIMIT; attempt += 1) {
    await outcome(logins.attempt(spellings[attempt % spellings.length]!, wrong));
  }
  expect(await outcome(logins.attempt('alice@example.com', right))).toBe('rate_limited');
});

test('parallel guesses cannot overtake the count', async () => {
  const { logins } = limiterWith();
  let tried = 0;
  const guess = async (): Promise<string> => {
    tried += 1;
    await new Promise((resolve) => setTimeout(resolve, 2));
    return wrong();
  };
  const outcomes = await Promise.all(
    Array.from({ length: 3 * LIMIT }, () => outcome(logins.attempt('a@example.com', guess))));
  expect(tried).toBe(LIMIT);
  expect(outcomes.filter((code) => code === 'rate_limited')).toHaveLength(2 * LIMIT);
});

test('other failures (an unreachable database) are not counted', async () => {
  const { logins } = limiterWith();
  const unavailable = async (): Promise<string> => {
    throw new InfraError('event store: connect ECONNREFUSED');
  };
  for (let attempt = 0; attempt < 2 * LIMIT; attempt += 1) {
    expect(await outcome(logins.attempt('a@example.com', unavailable))).toBe('other');
  }
  expect(await outcome(logins.attempt('a@example.com', right))).toBe('tokens');
});

test('a failing cache fails open, and says so', async () => {
  const broken: Cache = {
    get: async () => { throw new InfraError('redis get failed'); },
    set: async () => { throw new InfraError('redis set failed'); },
    delete: async () => {},
    incrementWindow: async () => { throw new InfraError('redis incrementWindow failed'); },
  };
  const warnings: unknown[] = [];
  const { logins } = limiterWith({ cache: broken, warnings });
  expect(await failTimes(logins, 'a@example.com', 2 * LIMIT)).toEqual(
    Array(2 * LIMIT).fill('invalid_credentials'));
  expect(await outcome(logins.attempt('a@example.com', right))).toBe('tokens');
  expect(warnings.length).toBeGreaterThanOrEqual(1);
});
