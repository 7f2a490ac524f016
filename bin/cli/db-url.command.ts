// `tng db url`: the connection URL of the database in use, for psql: DATABASE_URL when set,
// else the embedded Postgres of DATA_DIR, which must be running (`npm start`). It is not
// started for the occasion: this process would stop it again on exit, leaving a dead URL.
import { runningEmbeddedPostgresUrl } from '../../shared/adapters/postgres/embedded-postgres';
import { CheckFailed } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { loadConfig } from '../../shared/config/load-config';

export async function dbUrl(): Promise<CommandResult> {
  const config = loadConfig();
  const url = config.DATABASE_URL ?? (await runningEmbeddedPostgresUrl(config.DATA_DIR));
  if (url === undefined) {
    throw new CheckFailed(`the embedded Postgres of DATA_DIR ${config.DATA_DIR} is not ` +
      'running: start it with `npm start` (tng serve), then ask again');
  }
  return { json: { url, embedded: config.DATABASE_URL === undefined }, human: () => url };
}
