// Loads an aggregate's state: the in-process cached state (if any) plus the events appended
// after it, folded with the aggregate's pure evolve. The cache only saves reads: the append's
// expected version still decides, and a conflict makes the caller reload.
import type { EventStore, RecordedEvent } from '../ports/event-store.port';

export const AGGREGATE_CACHE_ENTRIES_MAX = 50_000;
export const STREAM_PAGE_SIZE_MAX = 1_000;

export type Loaded<S> = Readonly<{ state: S; version: bigint }>;

export type AggregateType<S, E> = Readonly<{
  streamIdOf: (id: string) => string;
  decode: (recorded: RecordedEvent) => E;
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
    let state = cached?.state ?? this.type.initialState();
    let version = cached?.version ?? 0n;
    for (;;) {
      const page = await this.store.readStream(this.type.streamIdOf(id), {
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
    return { state, version };
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
