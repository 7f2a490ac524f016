// Opens the runtime for one CLI command and always closes it, failure or not, so an embedded
// Postgres the command started is stopped (one it merely attached to, because `tng serve`
// runs it with the same DATA_DIR, is left running: the runtime knows which).
import { loadConfig } from '../../shared/config/load-config';
import { openRuntime, type Runtime } from '../runtime/runtime';
import { createCliLogger } from '../../shared/cli/cli-logger';

export async function withCliRuntime<T>(run: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Migrations run under node-pg-migrate's lock, so this is safe beside a running server,
  // and a fresh DATA_DIR works without `tng migrate` first.
  const runtime = await openRuntime(config, { logger: createCliLogger(), migrate: true });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}
