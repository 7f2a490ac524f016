// `tng projections status`: each projection's checkpoint, the head of the log, and the lag
// between them. The lag is approximate: global positions are taken at insert and commit in
// (transaction, position) order, so head minus checkpoint is close to, not exactly, the
// number of events left; it is never shown below zero.
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from './cli-runtime';
import { textTable } from '../../shared/cli/text-table';
import { encodePosition, START_POSITION } from '../../shared/ports/event-store.port';
import { PROJECTION_NAMES } from '../../shared/read-models/read-model-names';
import { readCheckpointStatus } from '../../shared/subscriptions/checkpoint.store';

type StatusRow = Readonly<{
  name: string; position: string; lag: number; updatedAt: string | null;
}>;

export async function projectionsStatus(): Promise<CommandResult> {
  return withCliRuntime(async (runtime) => {
    // Checkpoints first: read after the head, they could be ahead of it and show no lag.
    const checkpoints = await readCheckpointStatus(runtime.pool, PROJECTION_NAMES);
    const head = await runtime.store.headPosition();
    const rows: StatusRow[] = PROJECTION_NAMES.map((name) => {
      const checkpoint = checkpoints.get(name);
      const position = checkpoint?.position ?? START_POSITION;
      const behind = head.globalPosition - position.globalPosition;
      return {
        name,
        position: encodePosition(position),
        lag: Number(behind > 0n ? behind : 0n),
        updatedAt: checkpoint ? checkpoint.updatedAt.toISOString() : null,
      };
    });
    return {
      json: { head: encodePosition(head), projections: rows },
      human: () => humanStatus(encodePosition(head), rows),
    };
  });
}

function humanStatus(head: string, rows: readonly StatusRow[]): string {
  const table = textTable(
    [
      { header: 'projection' }, { header: 'position', align: 'right' },
      { header: 'lag (events)', align: 'right' }, { header: 'updated' },
    ],
    rows.map((row) => [row.name, row.position, String(row.lag), row.updatedAt ?? 'never']),
  );
  return `${table}\nhead of the log: ${head}\n`;
}
