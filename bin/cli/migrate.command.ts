// `tng migrate`: applies pending migrations (also done at every start) and names them.
// Progress lines go to stderr; stdout is the result (one JSON document with --json).
import { migrate } from '../../shared/adapters/postgres/migrate';
import type { CommandResult } from '../../shared/cli/cli-output';
import { loadConfig } from '../../shared/config/load-config';
import { openDatabase } from '../runtime/open-database';

const toStderr = (line: string) => process.stderr.write(`${line}\n`);

export async function migrateCommand(): Promise<CommandResult> {
  const database = await openDatabase(loadConfig(), toStderr);
  try {
    const applied = await migrate(database.url, toStderr);
    return {
      json: { applied },
      human: () => (applied.length > 0 ? `applied: ${applied.join(', ')}` : 'up to date'),
    };
  } finally {
    await database.stop();
  }
}
