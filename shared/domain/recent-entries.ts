// A bounded memory of the most recent keys (each with a value), kept inside aggregate state
// for dedupe: "was this movement already applied?", "how did this hold end?".
// Invariants: it retains at least the last `capacity` keys and fewer than
// `capacity + 2 * RECENT_CHUNK_SIZE_MAX`; it is immutable, so evolve stays pure.
// Why chunks: copying one Map of 1000 ids on every event would make replaying a long stream
// quadratic-ish; copying only the newest chunk (at most 16 keys) keeps an add cheap while
// older chunks are shared between successive states. 16 rather than 64: an add copies 8 keys
// on average instead of 32, which halved the fold of a 100,000-event replay, while a lookup
// walks at most ~65 small maps (docs/performance.md, "Audit replay").

export const RECENT_CHUNK_SIZE_MAX = 16;

export type RecentEntries<K extends string, V> = Readonly<{
  capacity: number;
  chunks: readonly ReadonlyMap<K, V>[];
}>;

export const emptyRecentEntries = <K extends string, V>(capacity: number): RecentEntries<K, V> =>
  Object.freeze({ capacity, chunks: [] });

/** The newest value recorded for `key`, or undefined once it has aged out (or never was). */
export function recentGet<K extends string, V>(recent: RecentEntries<K, V>, key: K): V | undefined {
  // Newest chunk first, so a key recorded twice answers with its latest value.
  for (let index = recent.chunks.length - 1; index >= 0; index -= 1) {
    const value = recent.chunks[index]?.get(key);
    if (value !== undefined) return value;
  }
  return undefined;
}

export const recentHas = <K extends string, V>(recent: RecentEntries<K, V>, key: K): boolean =>
  recentGet(recent, key) !== undefined;

export function recentAdd<K extends string, V>(
  recent: RecentEntries<K, V>,
  key: K,
  value: V,
): RecentEntries<K, V> {
  const { capacity, chunks } = recent;
  const newest = chunks.at(-1);
  const grown =
    newest !== undefined && newest.size < RECENT_CHUNK_SIZE_MAX
      ? [...chunks.slice(0, -1), new Map(newest).set(key, value)]
      : [...chunks, new Map([[key, value]])];
  // Enough full chunks to cover `capacity`, plus the one being filled.
  const chunksMax = Math.ceil(capacity / RECENT_CHUNK_SIZE_MAX) + 1;
  const kept = grown.length > chunksMax ? grown.slice(grown.length - chunksMax) : grown;
  return Object.freeze({ capacity, chunks: kept });
}

/** How many keys are remembered now (for tests and assertions). */
export const recentSize = <K extends string, V>(recent: RecentEntries<K, V>): number =>
  recent.chunks.reduce((total, chunk) => total + chunk.size, 0);
