// Loads an aggregate's state: the in-process cached state (if any) plus the events appended
// after it, folded with the aggregate's pure evolve. The cache only saves reads: the append's
// expected version still decides, and a conflict makes the caller reload.
import type { EventStore, NewEvent, RecordedEvent } from '../ports/event-store.port';
import { currentReadSet } from './read-set';

export const AGGREGATE_CACHE_ENTRIES_MAX = 50_000;
export const STREAM_PAGE_SIZE_MAX = 1_000;

export type Loaded<S> = Readonly<{ state: S; version: bigint }>;

export type AggregateType<S, E> = Readonly<{
  streamIdOf: (id: string) => string;
  decode: (recorded: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data'>) => E;
  evolve: (state: S, event: E) => S;
  initialState: () => S;
}>;

export class AggregateRepository<S, E> {
  private readonly cache = new Map<string, Loaded<S>>();

  constructor(
    private readonly store: EventStore,
    private readonly type: AggregateType<S, E>,
    private readonly entriesMax = AGGREGATE_CACHE_ENTRIES_MAX,
  ) {}

  /** The aggregate's evolve, for folding events a handler is about to append. */
  readonly evolveWith = (state: S, event: E): S => this.type.evolve(state, event);

  async load(id: string): Promise<Loaded<S>> {
    const cached = this.cache.get(id);
    const readSet = currentReadSet();
    const streamId = this.type.streamIdOf(id);
    if (cached && readSet && !readSet.fresh) {
      readSet.versions.set(streamId, cached.version);
      return cached;
    }
    let state = cached?.state ?? this.type.initialState();
    let version = cached?.version ?? 0n;
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
    if (!cached || cached.version + BigInt(events.length) !== nextVersion) {
      this.cache.delete(id);
      return;
    }
    const state = events.reduce(
      (folded, event) => this.type.evolve(folded, this.type.decode(event)),
      cached.state,
    );
    this.remember(id, { state, version: nextVersion });
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  private remember(id: string, loaded: Loaded<S>): void {
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
