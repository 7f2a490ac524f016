// Where the test run's servers are. jest.global-setup.ts fills these variables once per run;
// every worker inherits them. Tests never read DATABASE_URL directly.
export const testEnv = {
  /** Admin connection to the Postgres that holds this run's databases. */
  adminUrl: (): string => required('TNG_TEST_ADMIN_URL'),
  /** A migrated database that fresh test databases are cloned from. */
  templateDatabase: (): string => required('TNG_TEST_TEMPLATE_DB'),
  /** Redis for tests, or undefined with the reason in redisSkipReason. */
  redisUrl: (): string | undefined => process.env.TNG_TEST_REDIS_URL || undefined,
  redisSkipReason: (): string => process.env.TNG_TEST_REDIS_SKIP ?? 'REDIS_URL is not set',
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run tests through jest (globalSetup)`);
  return value;
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
