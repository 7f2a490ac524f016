// `tng projections verify <name>`: replays the log into scratch tables up to the live
// checkpoint and diffs them against the live tables (projector/src/rebuild.ts). Any row that
// differs, in either direction, fails the check: exit 1, naming each table and its counts.
import { verifyProjection } from '../../projector/src/rebuild';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from '../../shared/cli/cli-runtime';
import { createProgress } from '../../shared/cli/progress';
import { projectionNamed } from './projection-name';
import { seconds } from './projections-rebuild.command';

export async function projectionsVerify(name: string): Promise<CommandResult> {
  const projection = projectionNamed(name);
  return withCliRuntime(async (runtime) => {
    const progress = createProgress(`verify ${name}`, 'events');
    const startedMs = performance.now();
    let outcome: Awaited<ReturnType<typeof verifyProjection>>;
    try {
      outcome = await verifyProjection({
        pool: runtime.pool,
        store: runtime.store,
        batchSizeMax: runtime.config.PROJECTOR_BATCH_SIZE_MAX,
        onProgress: (done, total) => progress.update(done, total),
      }, projection);
    } finally {
      progress.stop();
    }
    const durationMs = Math.round(performance.now() - startedMs);
    const { applied, differences } = outcome;
    const identical = differences.length === 0;
    const lines = differences.map((difference) =>
      `  ${difference.table}: ${difference.onlyInLive} rows only in the live table, `
        + `${difference.onlyInRebuild} only in the rebuild`);
    const verdict = identical
      ? `${name}: identical to a rebuild from the log (${applied} events replayed in `
        + `${seconds(durationMs)})`
      : `${name}: ${differences.length} tables differ from a rebuild from the log:`;
    return {
      json: { projection: name, identical, applied, durationMs, differences },
      human: () => [verdict, ...lines].join('\n'),
      exitCode: identical ? EXIT_OK : EXIT_CHECK_FAILED,
    };
  });
}
