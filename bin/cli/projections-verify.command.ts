// `tng projections verify <name>`: replays the log into scratch tables up to the live
// checkpoint and diffs them against the live tables (projector/src/rebuild.ts). Any row that
// differs, in either direction, fails the check: exit 1, naming each table and its counts,
// and the first rows that differ by key, with their live and rebuilt values (--json too).
import { verifyProjection } from '../../projector/src/rebuild';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from './cli-runtime';
import { projectionNamed } from './projection-name';
import { humanTableDifferences } from './projections-verify.human';
import { replayWithProgress } from './replay-with-progress';
import { seconds } from './projections-rebuild.command';

export async function projectionsVerify(name: string): Promise<CommandResult> {
  const projection = projectionNamed(name);
  return withCliRuntime(async (runtime) => {
    const { result: outcome, durationMs } = await replayWithProgress(
      runtime,
      `verify ${name}`,
      (deps) => verifyProjection(deps, projection),
    );
    const { applied, differences } = outcome;
    const identical = differences.length === 0;
    const lines = humanTableDifferences(differences);
    const verdict = identical
      ? `${name}: identical to a rebuild from the log (${applied} events replayed in ` +
        `${seconds(durationMs)})`
      : `${name}: ${differences.length} tables differ from a rebuild from the log:`;
    return {
      json: { projection: name, identical, applied, durationMs, differences },
      human: () => [verdict, ...lines].join('\n'),
      exitCode: identical ? EXIT_OK : EXIT_CHECK_FAILED,
    };
  });
}
