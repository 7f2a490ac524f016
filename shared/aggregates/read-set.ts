// The read set of one command decision. A command's first attempt decides on the in-process
// cached state of its aggregates without reading the store, and every stream it read is then
// checked at append: streams it writes carry their expected versions anyway, and streams it
// only read (e.g. the owner's user stream, for plan limits) join the append as version checks
// with no events. A stale cache therefore costs a conflict and a fresh retry, never a wrong
// decision. Rejections are never answered from the cache: they are decided again fresh.
// A cached state may be one an append still in flight will leave (speculative, see
// aggregate-repository.ts): the decision then goes in the store after that append
// (`after`), and fails with it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AppendResult } from '../ports/event-store.port';

export type ReadSet = {
  /** True: load every aggregate from the store (its cached state plus the events after it). */
  readonly fresh: boolean;
  /**
   * True inside EventStore.withStreamLocks: fresh loads must not wait for appends in flight,
   * which may be waiting for those locks (aggregate-repository.ts).
   */
  readonly underStoreLocks: boolean;
  /** Stream id -> the version the decision saw. */
  readonly versions: Map<string, bigint>;
  /** Appends in flight whose outcome the states the decision saw assume. */
  readonly after: Set<Promise<AppendResult>>;
};

const storage = new AsyncLocalStorage<ReadSet>();

export async function withReadSet<T>(
  fresh: boolean,
  run: () => Promise<T>,
  options: { underStoreLocks?: boolean } = {},
): Promise<{
  result: T;
  reads: ReadonlyMap<string, bigint>;
  after: ReadonlySet<Promise<AppendResult>>;
}> {
  const readSet: ReadSet = {
    fresh, underStoreLocks: options.underStoreLocks ?? false, versions: new Map(), after: new Set(),
  };
  const result = await storage.run(readSet, run);
  return { result, reads: readSet.versions, after: readSet.after };
}

/** The read set of the decision running now, if any (loads outside one read fresh). */
export const currentReadSet = (): ReadSet | undefined => storage.getStore();
