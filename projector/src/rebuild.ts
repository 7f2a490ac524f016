// Rebuilds and verifies a projection from the event log (invariant 4: a rebuild from position
// 0 gives the live rows). Both replay into a copy of the tables (copy-tables.ts, replay.ts).
// - rebuild: replay into shadow tables up to the head while the live ones keep serving, write
//   back the rows the replay held in memory, build the deferred indexes; then, holding the
//   live checkpoint lock (which pauses the live runner), catch up to the head, swap the
//   tables by renaming and move the live checkpoint, in one transaction.
// - verify: replay into scratch tables up to the live checkpoint (read first, without
//   creating it), then, in one snapshot, catch up to the live checkpoint as that snapshot
//   sees it and diff. The snapshot holds the live rows and the checkpoint that the runner
//   committed together, so the live runner is never paused and nothing is left behind.
// Caches: a rebuild does not touch the wallet views in the cache. They are copies of rows the
// live runner wrote; if a rebuild changed a row (the reason to run one), its cached view is
// stale until the wallet's next event rewrites it or WALLET_CACHE_TTL_MS (60 s) passes.
// Requests with X-Min-Position skip the cache. The CLI runs in its own process and, in the
// embedded default, cannot reach the server's in-process cache, so it could not purge anyway.
import type { Pool } from 'pg';
import { START_POSITION, type EventStore } from '../../shared/ports/event-store.port';
import {
  lockCheckpoint,
  readCheckpoint,
  saveCheckpoint,
} from '../../shared/subscriptions/checkpoint.store';
import { inTransaction } from '../../shared/subscriptions/in-transaction';
import { copyOf, createCopy, dropCopy, swapCopyIn } from './copy-tables';
import type { Projection } from './projection';
import {
  catchUpCopy,
  finishCopy,
  replayCopy,
  type Progress,
  type ReplayDeps,
} from './replay';
import { diffCopy, type Difference } from './table-diff';

export type { Progress } from './replay';
export type { Difference } from './table-diff';

/**
 * Replay batches: ten times the live default. Nobody waits on a copy's lock, and the
 * per-batch cost (a transaction, one load and one write per table) is then paid a tenth as
 * often. At most the store's read limit.
 */
export const REPLAY_BATCH_SIZE_DEFAULT = 5_000;

type Deps = {
  pool: Pool;
  store: EventStore;
  /** The live runner's batch size (PROJECTOR_BATCH_SIZE_MAX); replays use at least this. */
  batchSizeMax: number;
  /** Overrides the replay batch size (tests use small ones to cross batch boundaries). */
  replayBatchSizeMax?: number;
  onProgress?: Progress;
};

const replayDeps = (deps: Deps): ReplayDeps => ({
  pool: deps.pool,
  store: deps.store,
  batchSizeMax:
    deps.replayBatchSizeMax ?? Math.max(deps.batchSizeMax, REPLAY_BATCH_SIZE_DEFAULT),
  ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
});

/** Returns the number of events applied to the new tables. */
export async function rebuildProjection(deps: Deps, projection: Projection): Promise<number> {
  const copy = copyOf(projection, 'shadow');
  const replay = replayDeps(deps);
  const deferredIndexes = await createCopy(deps.pool, copy);
  try {
    const replayed = await replayCopy(replay, copy, await deps.store.headPosition());
    // Before the lock: writing the rows the session held and building the deferred indexes
    // take seconds on a large log, and the live runner should not wait for them.
    await inTransaction(deps.pool, (client) => finishCopy(client, copy));
    for (const statement of deferredIndexes) await deps.pool.query(statement);
    const caughtUp = await inTransaction(deps.pool, async (client) => {
      await lockCheckpoint(client, projection.name); // The live runner waits from here on.
      const applied = await catchUpCopy(client, replay, copy, await deps.store.headPosition());
      await finishCopy(client, copy);
      const position = await lockCheckpoint(client, copy.checkpointName);
      await swapCopyIn(client, copy);
      await saveCheckpoint(client, projection.name, position);
      return applied;
    });
    return replayed + caughtUp;
  } finally {
    await dropCopy(deps.pool, copy); // After a swap only the copy's checkpoint is left.
  }
}

export async function verifyProjection(
  deps: Deps,
  projection: Projection,
): Promise<{ applied: number; differences: Difference[] }> {
  const copy = copyOf(projection, 'verify');
  const replay = replayDeps(deps);
  // The deferred indexes are never built: the diff scans whole tables and needs none.
  await createCopy(deps.pool, copy);
  try {
    // Bounded by the live checkpoint: events past it are not in the live rows yet, and
    // replaying them would report a healthy projection that lags the head as different.
    const live = (await readCheckpoint(deps.pool, projection.name)) ?? START_POSITION;
    const replayed = await replayCopy(replay, copy, live);
    const compared = await inTransaction(
      deps.pool,
      async (client) => {
        // The first statement, so the snapshot is taken here: checkpoint and rows agree.
        const snapshot = (await readCheckpoint(client, projection.name)) ?? START_POSITION;
        const applied = await catchUpCopy(client, replay, copy, snapshot);
        await finishCopy(client, copy);
        return { applied, differences: await diffCopy(client, copy) };
      },
      'repeatable read',
    );
    return { applied: replayed + compared.applied, differences: compared.differences };
  } finally {
    await dropCopy(deps.pool, copy);
  }
}
