// Resolves the Postgres to use: DATABASE_URL when set, else the embedded server in DATA_DIR
// (started here, or attached to if `tng serve` already runs it).
import type { Config } from '../../shared/config/load-config';
import { startEmbeddedPostgres } from '../../shared/adapters/postgres/embedded-postgres';

export type DatabaseHandle = { url: string; embedded: boolean; stop(): Promise<void> };

export async function openDatabase(
  config: Config,
  log: (line: string) => void,
): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, log });
  return { url: embedded.url, embedded: true, stop: () => embedded.stop() };
}
