// Each test file gets its own database, cloned from the run's migrated template in tens of
// milliseconds, and dropped afterwards. Nothing is shared between files.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl, testEnv } from './test-env';

export type FreshDatabase = { url: string; name: string; drop(): Promise<void> };

const CREATE_ATTEMPTS_MAX = 5;

export async function createFreshDatabase(): Promise<FreshDatabase> {
  const adminUrl = testEnv.adminUrl();
  const name = `tng_t_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, async (admin) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await admin.query(`create database ${name} template ${testEnv.templateDatabase()}`);
        return;
      } catch (error) {
        // Two clones of one template at the same instant can collide; a retry succeeds.
        if (attempt >= CREATE_ATTEMPTS_MAX) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => withClient(adminUrl, (admin) =>
      admin.query(`drop database if exists ${name} with (force)`).then(() => undefined)),
  };
}

/** One short-lived connection for `run`, always closed. */
export async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
