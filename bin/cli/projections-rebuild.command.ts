// `tng projections rebuild <name>`: replays the whole log into shadow tables while the live
// ones keep serving, then swaps them in one transaction (projector/src/rebuild.ts). Progress
// goes to stderr; the result is the count of events applied, the time and the rate.
import { rebuildProjection } from '../../projector/src/rebuild';
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from './cli-runtime';
import { encodePosition, START_POSITION } from '../../shared/ports/event-store.port';
import { readCheckpoint } from '../../shared/subscriptions/checkpoint.store';
import { projectionNamed } from './projection-name';
import { replayWithProgress } from './replay-with-progress';

export async function projectionsRebuild(name: string): Promise<CommandResult> {
  const projection = projectionNamed(name);
  return withCliRuntime(async (runtime) => {
    const { result: applied, durationMs } = await replayWithProgress(
      runtime,
      `rebuild ${name}`,
      (deps) => rebuildProjection(deps, projection),
    );
    const position = (await readCheckpoint(runtime.pool, name)) ?? START_POSITION;
    const result = {
      projection: name,
      applied,
      durationMs,
      eventsPerSecond: ratePerSecond(applied, durationMs),
      position: encodePosition(position),
    };
    return {
      json: result,
      human: () =>
        `rebuilt ${name}: ${applied} events applied in ${seconds(durationMs)} ` +
        `(${result.eventsPerSecond} events/s); now at position ${result.position}`,
    };
  });
}

export const ratePerSecond = (count: number, durationMs: number): number =>
  durationMs > 0 ? Math.round((count * 1_000) / durationMs) : count;

export const seconds = (durationMs: number): string =>
  durationMs < 1_000 ? `${durationMs} ms` : `${(durationMs / 1_000).toFixed(1)} s`;
