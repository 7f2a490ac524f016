// The read set of one command decision. A command's first attempt decides on the in-process
// cached state of its aggregates without reading the store, and every stream it read is then
// checked at append: streams it writes carry their expected versions anyway, and streams it
// only read (e.g. the owner's user stream, for plan limits) join the append as version checks
// with no events. A stale cache therefore costs a conflict and a fresh retry, never a wrong
// decision. Rejections are never answered from the cache: they are decided again fresh.
import { AsyncLocalStorage } from 'node:async_hooks';

export type ReadSet = {
  /** True: load every aggregate from the store (its cached state plus the events after it). */
  readonly fresh: boolean;
  /** Stream id -> the version the decision saw. */
  readonly versions: Map<string, bigint>;
};

const storage = new AsyncLocalStorage<ReadSet>();

export async function withReadSet<T>(
  fresh: boolean,
  run: () => Promise<T>,
): Promise<{ result: T; reads: ReadonlyMap<string, bigint> }> {
  const readSet: ReadSet = { fresh, versions: new Map() };
  const result = await storage.run(readSet, run);
  return { result, reads: readSet.versions };
}

/** The read set of the decision running now, if any (loads outside one read fresh). */
export const currentReadSet = (): ReadSet | undefined => storage.getStore();
