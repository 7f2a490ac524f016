// `tng serve [services...]` (also `npm start`): starts the services and stops them cleanly on
// SIGINT, SIGTERM or SIGHUP, whichever way the signal comes (docs/operations.md "Stopping"):
// to node alone (systemd, Docker, `kill`), forwarded by npm, or to the whole process group
// (Ctrl-C), in which case it arrives twice (directly and forwarded by npm) and the second is
// ignored. Under an npm script, npm is node's parent and does not forward SIGHUP: if npm dies,
// node stops as well instead of serving on as an orphan. The stop drains HTTP, lets the
// projector write its checkpoint, closes the pool, then stops the embedded Postgres, which
// runs in its own session so the signal never reaches it first, then exports the last
// spans (when tracing is on). A clean stop exits 0, a failed one 1.
import { loadConfig } from '../../shared/config/load-config';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../../shared/cli/cli-errors';
import { stopTracing } from '../runtime/tracing';
import { startServer, type Server, type ServiceName } from '../serve';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const PARENT_CHECK_INTERVAL_MS = 500;

export async function serve(names: readonly ServiceName[]): Promise<void> {
  const current: { server?: Server; requested?: string } = {};
  const stop = (reason: string, running: Server) => {
    running.runtime.logger.info({ reason }, 'shutting down');
    // The spans of the last requests are exported before the process exits.
    running.stop().then(() => stopTracing()).then(
      () => process.exit(EXIT_OK),
      (error: unknown) => {
        running.runtime.logger.error({ err: error }, 'shutdown failed');
        process.exit(EXIT_CHECK_FAILED);
      },
    );
  };
  const onSignal = (reason: string) => {
    if (current.requested) return;
    current.requested = reason;
    // A signal during start-up stops the server as soon as it is up.
    if (current.server) stop(reason, current.server);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  if (process.env.npm_lifecycle_event) watchParent(() => onSignal('npm exited'));
  const server = await startServer(names);
  current.server = server;
  if (current.requested) return stop(current.requested, server);
  printWelcome(server.url, server.runtime.database.embedded, names);
}

function watchParent(onGone: () => void): void {
  const parentPid = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parentPid) return;
    clearInterval(timer);
    onGone();
  }, PARENT_CHECK_INTERVAL_MS);
  timer.unref();
}

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
