// The `tng` CLI. Exit codes: 0 success, 1 a check failed, 2 bad usage, whoever runs Postgres
// (this process, a running `tng serve` it attaches to, or DATABASE_URL). `--json` output is
// one JSON document on stdout; progress and logs go to stderr.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from '../shared/cli/cli-errors';
import { runCliCommand, type OutputOptions } from '../shared/cli/cli-output';
import { SERVICE_NAMES, type ServiceName } from './serve';
import { dbUrl } from './cli/db-url.command';
import { migrateCommand } from './cli/migrate.command';
import { registerCliCommands } from './cli/register-cli-commands';
import { serve } from './cli/serve.command';

const JSON_FLAG = ['--json', 'print one JSON document on stdout'] as const;

const program = new Command('tng')
  .description('Mini TNG: an event-sourced e-wallet ledger')
  .version(packageVersion(), '-V, --version', 'print the version')
  .exitOverride()
  .showHelpAfterError();

program
  .command('serve')
  .argument('[services...]', `any of ${SERVICE_NAMES.join(', ')} (default: all)`)
  .description('run the named services, or all four in one process')
  .action(async (services: string[]) => {
    const unknown = services.filter((name) => !SERVICE_NAMES.includes(name as ServiceName));
    if (unknown.length > 0) usageError(`unknown service(s): ${unknown.join(', ')}`);
    await serve(services.length > 0 ? (services as ServiceName[]) : SERVICE_NAMES);
  });

program
  .command('migrate')
  .description('apply database migrations (also done at start)')
  .option(...JSON_FLAG)
  .action((options: OutputOptions) => runCliCommand(options, migrateCommand));

program
  .command('db')
  .description('the database')
  .command('url')
  .description('the connection URL of the database in use (the embedded one included), for psql')
  .option(...JSON_FLAG)
  .action((options: OutputOptions) => runCliCommand(options, dbUrl));

// projections, audit, users: see bin/cli/.
registerCliCommands(program);

function packageVersion(): string {
  const manifest = path.resolve(__dirname, '../package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function usageError(message: string): never {
  process.stderr.write(`tng: ${message}\n`);
  process.exit(EXIT_USAGE);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? EXIT_OK : EXIT_USAGE);
  }
  process.stderr.write(`tng: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_CHECK_FAILED);
});
