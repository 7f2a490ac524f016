// The part `projections rebuild` and `projections verify` share: run a replay of the log with
// the runtime's pool and store, a progress display on stderr, and the time it took.
import type { Pool } from 'pg';
import type { Progress } from '../../projector/src/rebuild';
import { createProgress } from '../../shared/cli/progress';
import { ConfigError } from '../../shared/config/load-config';
import { eventStoreKind } from '../runtime/event-store';
import type { Runtime } from '../runtime/runtime';
import type { EventStore } from '../../shared/ports/event-store.port';

export type ReplayDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  batchSizeMax: number;
  onProgress: Progress;
}>;

export async function replayWithProgress<T>(
  runtime: Runtime,
  label: string,
  replay: (deps: ReplayDeps) => Promise<T>,
): Promise<{ result: T; durationMs: number }> {
  // The replay bounds its batches by counting the events in Postgres (projector/src/replay.ts),
  // which holds none when the log is in KurrentDB: refused rather than stopped after a batch.
  if (eventStoreKind(runtime.config) === 'kurrentdb') {
    throw new ConfigError(`${label}: not available with KURRENTDB_URL yet`
      + ' (docs/architecture.md, "KurrentDB")');
  }
  const progress = createProgress(label, 'events');
  const startedMs = performance.now();
  try {
    const result = await replay({
      pool: runtime.pool,
      store: runtime.store,
      batchSizeMax: runtime.config.PROJECTOR_BATCH_SIZE_MAX,
      onProgress: (done, total) => progress.update(done, total),
    });
    // Milliseconds for display and --json, never for money.
    return { result, durationMs: Math.round(performance.now() - startedMs) };
  } finally {
    progress.stop();
  }
}
