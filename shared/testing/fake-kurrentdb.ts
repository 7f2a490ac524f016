// A fake of the KurrentDB client's calls the KurrentDB event store makes, over one in-memory
// log, so the EventStore contract runs through that adapter's own logic on machines without
// a server. It behaves as this project understands KurrentDB 25.1 to (docs/architecture.md,
// "KurrentDB"); it proves the adapter's logic, never the server's behaviour, which only the
// contract run against KURRENTDB_URL does:
// - multiStreamAppend checks every expected state first, then writes every record in
//   request order, each at its own log position (commit = prepare, not dense), and reports
//   the last one; a failed check throws WrongExpectedVersionError and writes nothing;
// - a read of $all sees every record ever written (truncation hides records only from
//   stream reads, until a scavenge), from a position inclusive, through a prefix filter;
// - a stream read of a stream with no visible record throws StreamNotFoundError;
// - what v2 appends add to metadata ($schema.*) is added here too.
import { EventEmitter } from 'node:events';
import {
  BACKWARDS, END, START, StreamNotFoundError, WrongExpectedVersionError,
  type AppendStreamRequest, type AppendStreamState, type EventData, type Filter,
  type KurrentDBClient, type ReadPosition, type ReadRevision,
} from '@kurrent/kurrentdb-client';

type LoggedEvent = {
  streamId: string; id: string; type: string; revision: bigint; data: string;
  metadata: Record<string, unknown>; created: Date; position: { commit: bigint; prepare: bigint };
};
type StreamState = { events: LoggedEvent[]; truncateBefore: bigint };

/** Positions grow by this much per record: not dense, like a real log's byte offsets. */
const POSITION_STEP = 97n;

export type FakeKurrentDB = KurrentDBClient;

export function fakeKurrentDB(): FakeKurrentDB {
  const log: LoggedEvent[] = [];
  const streams = new Map<string, StreamState>();
  const live = new EventEmitter();

  const currentRevision = (name: string): bigint | null =>
    streams.get(name)?.events.at(-1)?.revision ?? null;

  function check(name: string, expected: AppendStreamState): void {
    const current = currentRevision(name);
    const holds = expected === 'any' ? true
      : expected === 'no_stream' ? current === null
        : expected === 'stream_exists' ? current !== null
          : current === expected;
    if (!holds) {
      throw new WrongExpectedVersionError(undefined,
        { streamName: name, expected, current: current ?? 'no_stream' });
    }
  }

  function write(name: string, events: readonly EventData[], v2: boolean): bigint {
    const stream = streams.get(name) ?? { events: [], truncateBefore: 0n };
    streams.set(name, stream);
    for (const event of events) {
      const position = BigInt(log.length + 1) * POSITION_STEP;
      const metadata = { ...(event.metadata as Record<string, unknown> | undefined) };
      if (v2) Object.assign(metadata, { '$schema.format': 'Json', '$schema.name': event.type });
      const logged: LoggedEvent = {
        streamId: name, id: event.id, type: event.type,
        revision: BigInt(stream.events.length),
        data: JSON.stringify(event.data), metadata, created: new Date(),
        position: { commit: position, prepare: position },
      };
      stream.events.push(logged);
      log.push(logged);
      live.emit('record', logged);
    }
    return log.at(-1)!.position.prepare;
  }

  const resolved = (event: LoggedEvent) => ({
    event: { ...event, data: JSON.parse(event.data) as unknown, isJson: true },
  });

  const matches = (filter: Filter | undefined, event: LoggedEvent): boolean =>
    !filter || !('prefixes' in filter)
    || filter.prefixes.some((prefix) => event.streamId.startsWith(prefix));

  const client = {
    async multiStreamAppend(requests: AppendStreamRequest[]) {
      await Promise.resolve();
      const names = requests.map((request) => request.streamName);
      if (new Set(names).size !== names.length) throw new Error('a stream appears once');
      for (const request of requests) {
        for (const event of request.events) {
          const values = Object.values(event.metadata ?? {});
          if (values.some((value) => typeof value !== 'string')) {
            throw new Error('multiStreamAppend requires metadata to be a plain object with'
              + ' string keys and string values.');
          }
        }
      }
      requests.forEach((request) => check(request.streamName, request.expectedState));
      let position = 0n;
      for (const request of requests) position = write(request.streamName, request.events, true);
      const responses = requests.map((request) =>
        ({ streamName: request.streamName, revision: currentRevision(request.streamName)! }));
      return { position, responses };
    },

    async appendToStream(
      name: string,
      events: EventData[],
      options: { streamState?: AppendStreamState } = {},
    ) {
      await Promise.resolve();
      check(name, options.streamState ?? 'any');
      const position = write(name, events, false);
      return {
        success: true, nextExpectedRevision: currentRevision(name)!,
        position: { commit: position, prepare: position },
      };
    },

    readStream(name: string, options: {
      direction?: string; fromRevision?: ReadRevision; maxCount?: number | bigint;
    } = {}) {
      return (async function* () {
        await Promise.resolve();
        const stream = streams.get(name);
        const visible = stream?.events.filter((event) => event.revision >= stream.truncateBefore)
          ?? [];
        if (visible.length === 0) throw new StreamNotFoundError(undefined, name);
        const backwards = options.direction === BACKWARDS;
        const from = options.fromRevision ?? (backwards ? END : START);
        let events = backwards ? [...visible].reverse() : visible;
        if (typeof from === 'bigint') {
          events = events.filter((event) => (backwards ? event.revision <= from
            : event.revision >= from));
        }
        const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
        for (const event of events.slice(0, maxCount)) yield resolved(event);
      })();
    },

    readAll(options: {
      fromPosition?: ReadPosition; direction?: string; maxCount?: number | bigint; filter?: Filter;
    } = {}) {
      return (async function* () {
        await Promise.resolve();
        const backwards = options.direction === BACKWARDS;
        const from = options.fromPosition ?? (backwards ? END : START);
        let events = log.filter((event) => matches(options.filter, event));
        if (typeof from === 'object') {
          events = events.filter((event) => (backwards ? event.position.prepare <= from.prepare
            : event.position.prepare >= from.prepare));
        }
        if (backwards) events.reverse();
        const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
        for (const event of events.slice(0, maxCount)) yield resolved(event);
      })();
    },

    subscribeToAll(options: { filter?: Filter } = {}) {
      const subscription = new EventEmitter() as EventEmitter & { unsubscribe(): Promise<void> };
      const onRecord = (event: LoggedEvent) => {
        if (matches(options.filter, event)) subscription.emit('data', resolved(event));
      };
      live.on('record', onRecord);
      subscription.unsubscribe = async () => { live.off('record', onRecord); };
      return subscription;
    },

    async setStreamMetadata(
      name: string,
      metadata: { truncateBefore?: number; maxCount?: number },
    ) {
      await Promise.resolve();
      const stream = streams.get(name) ?? { events: [], truncateBefore: 0n };
      streams.set(name, stream);
      if (metadata.truncateBefore !== undefined) {
        stream.truncateBefore = BigInt(metadata.truncateBefore);
      }
      if (metadata.maxCount !== undefined) {
        const last = stream.events.at(-1)?.revision ?? -1n;
        stream.truncateBefore = last - BigInt(metadata.maxCount) + 1n;
      }
      return { success: true, nextExpectedRevision: 0n };
    },

    async dispose() {
      live.removeAllListeners();
    },
  };
  // The fake has the client's shape for the calls above only: the store and the tamper of
  // the contract use nothing else.
  return client as unknown as FakeKurrentDB;
}
