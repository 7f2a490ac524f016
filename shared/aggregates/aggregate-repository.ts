// Loads an aggregate's state: the in-process cached state (if any) plus the events appended
// after it, folded with the aggregate's pure evolve. The cache only saves reads: the append's
// expected version still decides, and a conflict makes the caller reload.
// Speculative states: once a command's append is submitted, `speculate` caches the state it
// will leave, with the append still in flight (`pending`), so the next command on that
// aggregate can decide at once, chained after it (read-set.ts; EventStore.append's `after`)
// instead of waiting for the commit. When the append succeeds the state simply stops being
// speculative; when it fails, every speculative state of that aggregate goes (they all
// assumed it, and their own appends fail with it): the entry falls back to the last
// committed state it knew. A fresh load never decides on a speculative state: it waits for
// the appends in flight, then reads what committed; under
// the store's stream locks it must not wait (the append in flight may be waiting for those
// very locks), so it reads on from the last committed state the entry keeps (`committed`),
// and the append in flight, if it comes later, meets a stale version and fails.
import type { AppendResult, EventStore, NewEvent, RecordedEvent } from '../ports/event-store.port';
import { currentReadSet } from './read-set';

export const AGGREGATE_CACHE_ENTRIES_MAX = 50_000;
export const STREAM_PAGE_SIZE_MAX = 1_000;

export type Loaded<S> = Readonly<{ state: S; version: bigint }>;
/**
 * A cached state; if speculative, the append in flight it assumes (the latest of its chain)
 * and the last committed state known under it.
 */
type Entry<S> = Loaded<S> & Readonly<{ pending?: Promise<AppendResult>; committed?: Loaded<S> }>;

export type AggregateType<S, E> = Readonly<{
  streamIdOf: (id: string) => string;
  decode: (recorded: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>) => E;
  evolve: (state: S, event: E) => S;
  initialState: () => S;
}>;

export class AggregateRepository<S, E> {
  private readonly cache = new Map<string, Entry<S>>();

  constructor(
    private readonly store: EventStore,
    private readonly type: AggregateType<S, E>,
    private readonly entriesMax = AGGREGATE_CACHE_ENTRIES_MAX,
  ) {}

  /** The aggregate's evolve, for folding events a handler is about to append. */
  readonly evolveWith = (state: S, event: E): S => this.type.evolve(state, event);

  async load(id: string): Promise<Loaded<S>> {
    let cached = this.cache.get(id);
    const readSet = currentReadSet();
    const streamId = this.type.streamIdOf(id);
    if (cached && readSet && !readSet.fresh) {
      readSet.versions.set(streamId, cached.version);
      if (cached.pending) readSet.after.add(cached.pending);
      return { state: cached.state, version: cached.version };
    }
    // Fresh: only what committed. The settle handlers `speculate` set up run first, so the
    // entry is committed or gone by the time this wait ends (or speculative again, from a
    // later append: then wait for that one too).
    while (cached?.pending && !readSet?.underStoreLocks) {
      await cached.pending.catch(() => undefined);
      cached = this.cache.get(id);
    }
    const from = cached?.pending ? cached.committed : cached;
    let state = from?.state ?? this.type.initialState();
    let version = from?.version ?? 0n;
    for (;;) {
      const page = await this.store.readStream(streamId, {
        fromVersion: version + 1n,
        limit: STREAM_PAGE_SIZE_MAX,
      });
      for (const recorded of page) {
        state = this.type.evolve(state, this.type.decode(recorded));
        version = recorded.streamVersion;
      }
      if (page.length < STREAM_PAGE_SIZE_MAX) break;
    }
    this.remember(id, { state, version });
    readSet?.versions.set(streamId, version);
    return { state, version };
  }

  /**
   * Folds events this process just committed into the cached state, so the next command on
   * the aggregate needs no read. If the cache was not exactly one step behind (another writer
   * appended too), the entry is dropped and the next load reads the stream.
   */
  advance(id: string, events: readonly NewEvent[], nextVersion: bigint): void {
    const cached = this.cache.get(id);
    // Already in: `speculate` took these events in before they committed (the entry may be
    // past them by now, or a speculation that will fail and be dropped), or a read did.
    if (cached && cached.version >= nextVersion) return;
    // Never onto a speculative state: these events were not decided on it (a decision on it
    // would have speculated past it), so its chain is doomed and folding them onto it would
    // cache a state the log never had, at a version the log does have (the two-process bank
    // test overdrew wallets that way). The committed state under it is the right base.
    const base = cached?.pending ? cached.committed : cached;
    const state = base && this.foldOnto(base, events, nextVersion);
    this.cache.delete(id); // A committed entry replaces a doomed speculative one outright.
    if (state === undefined) return;
    this.remember(id, { state, version: nextVersion });
  }

  /**
   * Folds events of an append just submitted (`pending`) into the cached state, as the state
   * that append will leave at `nextVersion`; see the top of this file. Without a cached
   * state exactly one step behind, the entry is dropped instead.
   */
  speculate(
    id: string,
    events: readonly NewEvent[],
    nextVersion: bigint,
    pending: Promise<AppendResult>,
  ): void {
    const cached = this.cache.get(id);
    const state = cached && this.foldOnto(cached, events, nextVersion);
    if (!cached || state === undefined) {
      this.cache.delete(id);
      return;
    }
    // The last committed state under this chain: this entry's own, or the one it kept.
    const committed = cached.pending
      ? cached.committed
      : { state: cached.state, version: cached.version };
    const entry = { state, version: nextVersion, pending };
    this.remember(id, committed ? { ...entry, committed } : entry);
    pending.then(
      () => {
        const now = this.cache.get(id);
        if (now?.pending !== pending) return;
        this.cache.set(id, { state: now.state, version: now.version });
      },
      () => {
        // Back to the last committed state known, so the retry reads only what came after.
        const now = this.cache.get(id);
        if (!now?.pending) return;
        if (now.committed) this.cache.set(id, now.committed);
        else this.cache.delete(id);
      },
    );
  }

  /** `events` folded onto `base` if they take it exactly to `nextVersion`; else undefined. */
  private foldOnto(
    base: Loaded<S>,
    events: readonly NewEvent[],
    nextVersion: bigint,
  ): S | undefined {
    if (base.version + BigInt(events.length) !== nextVersion) return undefined;
    return events.reduce(
      (folded, event) => this.type.evolve(folded, this.type.decode(event)),
      base.state,
    );
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  private remember(id: string, loaded: Entry<S>): void {
    const previous = this.cache.get(id);
    if (previous && previous.version > loaded.version) return; // A newer load won the race.
    this.cache.delete(id); // Re-insert to keep Map order as recency order (LRU).
    this.cache.set(id, loaded);
    if (this.cache.size > this.entriesMax) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
