// The KurrentDB EventStore, for operators who keep their log in KurrentDB 25.1 or later
// (docs/architecture.md, "KurrentDB"). It keeps the port's promises with KurrentDB's means:
// - one append is one multiStreamAppend: our streams with the expected revision of the head
//   read just before (so hash chains and versions stay exact), plus, in the same atomic
//   write, one marker stream per event id (ids are unique across streams), the idempotency
//   record, the unique claims and the password hashes (kurrentdb.names.ts), each expected
//   not to exist where the port wants it new;
// - when KurrentDB refuses an expectation, the store reads what it met and answers in the
//   port's order (kurrentdb.precedence.ts): a taken key, a stored append, a stale version, a
//   duplicate, a claim; or it appends again when the state only moved under an 'any';
// - positions: kurrentdb.positions.ts; readAll reads $all through a prefix filter.
// What it cannot do as Postgres does: stream locks and chained appends hold only within this
// process (KurrentDB has no locks), and there is no group commit.
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS, END, FORWARDS, KurrentDBClient, START, StreamNotFoundError, streamNameFilter,
  type AllStreamResolvedEvent, type AllStreamSubscription, type Direction,
  type MultiAppendResult, type ReadPosition, type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { KeyedMutex } from '../../concurrency/keyed-mutex';
import { assert } from '../../errors/assert';
import { InfraError } from '../../errors/domain-error';
import {
  START_POSITION,
  type AppendOptions, type AppendRequest, type AppendResult, type EventCodec, type EventStore,
  type IdempotencyRecord, type LockedDecision, type LockedOutcome, type Position,
  type RecordedEvent, type StreamId, type StreamVerification,
} from '../../ports/event-store.port';
import { awaitPredecessors } from './append-chain';
import { decideUnderInProcessLocks } from './in-process-stream-locks';
import {
  assertReadLimit, assertValidAppend, requestEventIds,
  versionMatches,
} from './append-request';
import { AppendWaiters } from './append-waiters';
import { ChainVerifier } from './chain-verifier';
import { asStoreError, isWrongExpectedVersion, versionConflictOf } from './kurrentdb.errors';
import { kurrentNames, type KurrentNames } from './kurrentdb.names';
import {
  appendClosedAfter, readFrom, transactionIds, type LoggedRecord,
} from './kurrentdb.positions';
import {
  claimKey, decideAppend, type AppendVerdict, type ObservedState,
} from './kurrentdb.precedence';
import {
  PROPERTY, headOf, parseStoredEvent, planAppend, toRecordedEvent,
  type KurrentRecord, type StoredEvent, type StreamHead,
} from './kurrentdb.records';

export type KurrentDBEventStoreOptions = Readonly<{
  /** A KurrentDB connection string (kurrentdb://...), e.g. KURRENTDB_URL. */
  connectionString: string;
  /** Prefix of every stream this store writes (kurrentdb.names.ts); default 'tng'. */
  namespace?: string;
  /** Upcasts payloads on read; verification always reads the stored form. */
  codec?: EventCodec;
  /** Used instead of connecting (tests: shared/testing/fake-kurrentdb.ts); closed by close. */
  client?: KurrentDBClient;
}>;

export const NAMESPACE_DEFAULT = 'tng';
/** Appends in a row that found the state moved under them before one gets through. */
export const APPEND_ATTEMPTS_MAX = 20;
/** Side streams read at once when deciding what a refused append met. */
const LOOKUPS_AT_ONCE = 32;
/** Records of one $all read while looking for where an append ends. */
const LOOKAHEAD_RECORDS = 64;
/** Appends whose transaction id this process remembers (readStream's positions). */
const APPEND_ENDS_MAX = 100_000;
/** Bounds every loop over $all: a read that never ends is a bug, not a long log. */
const READ_ROUNDS_MAX = 10_000;

export class KurrentDBEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly names: KurrentNames;
  private readonly waiters = new AppendWaiters();
  // Appends and locked decisions of this process queue per stream, as the in-memory store's
  // do: a locked decision sees no append of this process in between. Appends sharing an
  // idempotency key or a claim queue too, so twins meet the port's order in the order they
  // were made, as they do in one Postgres batch. Other processes meet only in KurrentDB's
  // expected revisions.
  private readonly streamLocks = new KeyedMutex();
  private readonly appendEnds = new Map<string, bigint>();
  private subscription: AllStreamSubscription | null = null;
  private closed = false;

  constructor(private readonly options: KurrentDBEventStoreOptions) {
    this.client = options.client ?? KurrentDBClient.connectionString(options.connectionString);
    this.names = kurrentNames(options.namespace ?? NAMESPACE_DEFAULT);
  }

  async append(request: AppendRequest, options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(request);
    await awaitPredecessors(request, options.after);
    this.assertOpen();
    return this.streamLocks.withKeys(lockKeysOf(request), () => this.appendNow(request));
  }

  async withStreamLocks<T>(
    streamIds: readonly StreamId[],
    decide: () => Promise<LockedDecision<T>>,
  ): Promise<LockedOutcome<T>> {
    return decideUnderInProcessLocks(this.streamLocks, streamIds, decide, {
      assertOpen: () => this.assertOpen(),
      appendNow: (request) => this.appendNow(request),
    });
  }

  private async appendNow(request: AppendRequest): Promise<AppendResult> {
    let refusal: unknown = null;
    for (let attempt = 1; attempt <= APPEND_ATTEMPTS_MAX; attempt += 1) {
      let refused = false;
      const [heads, claimOwners] = await Promise.all([
        this.readHeads(request.streams.map((stream) => stream.streamId)),
        this.readClaimOwners(request),
      ]);
      const versionsHold = request.streams.every((stream) =>
        versionMatches(stream.expectedVersion, heads.get(stream.streamId)!.version));
      const claims = request.uniqueClaims ?? [];
      const claimsFree = claims.every((claim) =>
        (claimOwners.get(claimKey(claim)) ?? claim.ownerId) === claim.ownerId);
      if (versionsHold && claimsFree) {
        const appendId = randomUUID();
        const plan = planAppend({
          request, heads, names: this.names, appendId, newId: randomUUID,
          claimsToWrite: claims.filter((claim) => !claimOwners.has(claimKey(claim))),
        });
        if (plan.requests.length === 0) return { nextVersions: plan.nextVersions, position: null };
        try {
          const written = await this.client.multiStreamAppend(plan.requests);
          this.appended(request);
          const position = plan.eventCount > 0
            ? await this.positionOfAppend(plan.requests.at(-1)!.streamName, appendId, written)
            : null;
          return { nextVersions: plan.nextVersions, position };
        } catch (error) {
          if (!isWrongExpectedVersion(error)) throw asStoreError(error);
          refusal = versionConflictOf(error, request, this.names);
          refused = true;
        }
      }
      // Refused, or about to be: what did it meet? The heads just read still stand for a
      // refusal seen before writing; after a refused write they are read again.
      const observed = await this.observe(request, refused ? null : heads, claimOwners);
      const verdict = decideAppend(request, observed);
      if (verdict.kind !== 'write') return settle(request, verdict, observed);
    }
    throw refusal ?? new InfraError('event store: the append kept meeting a moving state');
  }

  // The position readers will give the append's last event (the last of its last stream):
  // read back rather than taken from the reported position, which KurrentDB documents as
  // where the append's last record lies, not as that event's own position in $all.
  private async positionOfAppend(
    lastStream: string,
    appendId: string,
    written: MultiAppendResult,
  ): Promise<Position> {
    const revision = written.responses.find((one) => one.streamName === lastStream)?.revision;
    assert(revision !== undefined, 'KurrentDB reports the revision of every stream written');
    const [last] = await this.collect(this.client.readStream(lastStream, {
      direction: FORWARDS, fromRevision: revision, maxCount: 1, requiresLeader: true,
    }));
    const own = last ? this.logged(last).logPosition : null;
    assert(own !== null, 'an appended event reads back');
    const end = own === written.position ? own : await this.appendEnd(appendId, own);
    this.remember(appendId, end);
    return { transactionId: end, globalPosition: own };
  }

  // After a write: wake this process's readers; keep only a user's latest password hash
  // (KurrentDB drops the older ones at its next scavenge, docs/architecture.md).
  private appended(request: AppendRequest): void {
    this.waiters.wakeAll();
    for (const { userId } of request.credentials ?? []) {
      // Best effort: a failure leaves older hashes in the stream, never read (the latest wins).
      this.client.setStreamMetadata(this.names.credential(userId), { maxCount: 1 })
        .catch(() => undefined);
    }
  }

  private async observe(
    request: AppendRequest,
    heads: ReadonlyMap<StreamId, StreamHead> | null,
    claimOwners: ReadonlyMap<string, string>,
  ): Promise<ObservedState> {
    const { idempotency } = request;
    const [keyTaken, storedEventIds, currentHeads] = await Promise.all([
      idempotency
        ? this.readLast(this.names.idempotency(idempotency.scope, idempotency.key)).then(Boolean)
        : false,
      this.storedEventIds(requestEventIds(request)),
      heads ?? this.readHeads(request.streams.map((stream) => stream.streamId)),
    ]);
    const versions = new Map([...currentHeads].map(([id, head]) => [id, head.version]));
    return { keyTaken, storedEventIds, versions, claimOwners };
  }

  private async storedEventIds(eventIds: readonly string[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (let start = 0; start < eventIds.length; start += LOOKUPS_AT_ONCE) {
      const slice = eventIds.slice(start, start + LOOKUPS_AT_ONCE);
      const markers = await Promise.all(
        slice.map((eventId) => this.readLast(this.names.eventMarker(eventId))));
      slice.forEach((eventId, index) => { if (markers[index]) stored.add(eventId); });
    }
    return stored;
  }

  private async readHeads(streamIds: readonly StreamId[]): Promise<Map<StreamId, StreamHead>> {
    const lasts = await Promise.all(streamIds.map((streamId) => this.readLastStored(streamId)));
    return new Map(streamIds.map((streamId, index) => [streamId, headOf(lasts[index] ?? null)]));
  }

  private async readLastStored(streamId: StreamId): Promise<StoredEvent | null> {
    const last = await this.readLast(this.names.stream(streamId));
    return last ? this.parse(last, streamId) : null;
  }

  private async readClaimOwners(request: AppendRequest): Promise<Map<string, string>> {
    const claims = request.uniqueClaims ?? [];
    const owners = await Promise.all(
      claims.map((claim) => this.findUniqueClaim(claim.scope, claim.value)));
    const found = new Map<string, string>();
    claims.forEach((claim, index) => {
      const owner = owners[index];
      if (owner !== null && owner !== undefined) found.set(claimKey(claim), owner);
    });
    return found;
  }

  async readStream(
    streamId: StreamId,
    options: { fromVersion: bigint; limit: number },
  ): Promise<RecordedEvent[]> {
    assertReadLimit(options.limit);
    const fromRevision = options.fromVersion <= 1n ? 0n : options.fromVersion - 1n;
    const records = await this.collect(this.client.readStream(this.names.stream(streamId), {
      direction: FORWARDS, fromRevision, maxCount: options.limit, requiresLeader: true,
    }));
    const stored = records.map((record) => this.parse(record, streamId));
    const ends = await this.transactionsOf(stored);
    return stored.map((event) =>
      toRecordedEvent(event, ends.get(event.appendId)!, this.options.codec));
  }

  async streamVersion(streamId: StreamId): Promise<bigint> {
    return headOf(await this.readLastStored(streamId)).version;
  }

  async readAll(options: { after: Position; limit: number }): Promise<RecordedEvent[]> {
    assertReadLimit(options.limit);
    const { after, limit } = options;
    const chunk = Math.min(limit * 3 + 16, 10_000);
    const records: KurrentRecord[] = [];
    const logged: LoggedRecord[] = [];
    let from = readFrom(after);
    let seen = comparePositionsStart(after) ? -1n : after.globalPosition;
    for (let round = 0; round < READ_ROUNDS_MAX; round += 1) {
      const batch = await this.readOurs(from, FORWARDS, chunk);
      for (const record of batch) {
        const entry = this.logged(record);
        if (entry.logPosition <= seen) continue; // a read from a position includes it
        records.push(record);
        logged.push(entry);
        seen = entry.logPosition;
      }
      if (batch.length < chunk) break; // the end of $all: every append read is whole
      const lastWanted = this.indexOfDataRecord(records, limit);
      if (lastWanted !== -1 && appendClosedAfter(logged, lastWanted)) break;
      from = { commit: seen, prepare: seen };
    }
    const ends = transactionIds(logged);
    logged.forEach((entry, index) => this.remember(entry.appendId, ends[index]!));
    const events: RecordedEvent[] = [];
    for (const [index, record] of records.entries()) {
      const streamId = this.names.streamIdOf(record.streamId);
      if (streamId === null) continue;
      events.push(toRecordedEvent(this.parse(record, streamId), ends[index]!, this.options.codec));
      if (events.length === limit) break;
    }
    return events;
  }

  async headPosition(): Promise<Position> {
    let from: ReadPosition = END;
    let runStart: LoggedRecord | null = null;
    for (let round = 0; round < READ_ROUNDS_MAX; round += 1) {
      const batch = await this.readOurs(from, BACKWARDS, LOOKAHEAD_RECORDS);
      for (const record of batch) {
        const entry = this.logged(record);
        if (from !== END && entry.logPosition >= (from as { prepare: bigint }).prepare) continue;
        // Read backwards, the first record of a run is the last of its append.
        if (runStart?.appendId !== entry.appendId) runStart = entry;
        if (this.names.streamIdOf(record.streamId) !== null) {
          return { transactionId: runStart.logPosition, globalPosition: entry.logPosition };
        }
      }
      const last = batch.at(-1);
      if (batch.length < LOOKAHEAD_RECORDS || !last) return START_POSITION;
      const position = this.logged(last).logPosition;
      from = { commit: position, prepare: position };
    }
    throw new InfraError('event store: no end found reading $all backwards');
  }

  async waitForAppend(timeoutMs: number): Promise<void> {
    this.subscribe();
    return this.waiters.wait(timeoutMs);
  }

  // Other processes' appends wake this one's readers through a live subscription to $all
  // (our streams only), opened on the first wait and again after it fails.
  private subscribe(): void {
    if (this.closed || this.subscription) return;
    const subscription = this.client.subscribeToAll({
      fromPosition: END, filter: streamNameFilter({ prefixes: [this.names.dataPrefix] }),
    });
    subscription.on('data', () => this.waiters.wakeAll());
    subscription.on('error', () => {
      if (this.subscription === subscription) this.subscription = null;
      this.waiters.wakeAll();
    });
    this.subscription = subscription;
  }

  async findIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const data = sideData(await this.readLast(this.names.idempotency(scope, key)));
    if (!data) return null;
    const { requestHash, responseStatus, responseBody } = data;
    assert(typeof requestHash === 'string' && typeof responseStatus === 'number'
      && typeof responseBody === 'string', 'an idempotency record is whole');
    return { scope, key, requestHash, responseStatus, responseBody };
  }

  async findUniqueClaim(scope: string, value: string): Promise<string | null> {
    const owner = sideData(await this.readLast(this.names.claim(scope, value)))?.ownerId;
    return typeof owner === 'string' ? owner : null;
  }

  async findPasswordHash(userId: string): Promise<string | null> {
    const hash = sideData(await this.readLast(this.names.credential(userId)))?.passwordHash;
    return typeof hash === 'string' ? hash : null;
  }

  async verifyStreams(
    options: { onProgress?: (streams: number) => void } = {},
  ): Promise<StreamVerification> {
    // Every stream that ever had an event is in $all, a deleted one included.
    // Only the names are kept: memory grows with streams, not events.
    const streamIds = new Set<StreamId>();
    const everything = this.client.readAll({
      fromPosition: START, requiresLeader: true,
      filter: streamNameFilter({ prefixes: [this.names.dataPrefix] }),
    });
    try {
      for await (const { event } of everything) {
        const streamId = this.names.streamIdOf(event?.streamId ?? '');
        if (streamId !== null) streamIds.add(streamId);
      }
    } catch (error) {
      throw asStoreError(error);
    }
    const verifier = new ChainVerifier();
    for (const streamId of [...streamIds].sort()) {
      const failure = await this.verifyStream(verifier, streamId);
      if (failure) return failure;
      options.onProgress?.(verifier.streams);
    }
    return verifier.finish();
  }

  // The head is the stream's last event as an append would read it: chains and versions are
  // checked against what the next append would chain onto.
  private async verifyStream(
    verifier: ChainVerifier,
    streamId: StreamId,
  ): Promise<Extract<StreamVerification, { ok: false }> | null> {
    const fail = (streamVersion: bigint, problem: string) =>
      ({ ok: false as const, streamId, streamVersion, problem });
    const last = await this.readLast(this.names.stream(streamId));
    if (!last) return fail(1n, 'the stream is in the log but reads empty (deleted?)');
    const parsedLast = parseStoredEvent(last, streamId);
    if (!parsedLast.ok) return fail(last.revision + 1n, parsedLast.problem);
    const head = {
      streamId, version: parsedLast.value.streamVersion, lastHash: parsedLast.value.hash,
    };
    const records = await this.collect(this.client.readStream(this.names.stream(streamId), {
      direction: FORWARDS, fromRevision: START, requiresLeader: true,
    }));
    for (const record of records) {
      const parsed = parseStoredEvent(record, streamId);
      if (!parsed.ok) return fail(record.revision + 1n, parsed.problem);
      const failure = verifier.accept(parsed.value, head);
      if (failure) return failure;
    }
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiters.wakeAll();
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.unsubscribe().catch(() => undefined);
    await this.client.dispose();
  }

  // readStream's positions: an event's transaction id is where its append ends in $all,
  // remembered for appends seen, else looked up by reading $all on from the event (a few
  // lookups at once: a long stream read first after a start needs one per append).
  private async transactionsOf(events: readonly StoredEvent[]): Promise<Map<string, bigint>> {
    const ends = new Map<string, bigint>();
    const unknown = new Map<string, bigint>();
    for (const event of events) {
      const known = this.appendEnds.get(event.appendId);
      if (known !== undefined) ends.set(event.appendId, known);
      else if (!unknown.has(event.appendId)) {
        assert(event.logPosition !== null, 'KurrentDB reports event positions (22.6 or later)');
        unknown.set(event.appendId, event.logPosition);
      }
    }
    const lookups = [...unknown];
    for (let start = 0; start < lookups.length; start += LOOKUPS_AT_ONCE) {
      const slice = lookups.slice(start, start + LOOKUPS_AT_ONCE);
      const found =
        await Promise.all(slice.map(([appendId, from]) => this.appendEnd(appendId, from)));
      slice.forEach(([appendId], index) => {
        this.remember(appendId, found[index]!);
        ends.set(appendId, found[index]!);
      });
    }
    return ends;
  }

  private async appendEnd(appendId: string, from: bigint): Promise<bigint> {
    let end = from;
    let position: ReadPosition = { commit: from, prepare: from };
    for (let round = 0; round < READ_ROUNDS_MAX; round += 1) {
      const batch = await this.readOurs(position, FORWARDS, LOOKAHEAD_RECORDS);
      for (const record of batch) {
        const entry = this.logged(record);
        if (entry.logPosition < end) continue;
        if (entry.appendId !== appendId) return end;
        end = entry.logPosition;
      }
      if (batch.length < LOOKAHEAD_RECORDS) return end;
      position = { commit: end, prepare: end };
    }
    throw new InfraError('event store: no end found for an append in $all');
  }

  private remember(appendId: string, end: bigint): void {
    if (this.appendEnds.has(appendId)) return;
    if (this.appendEnds.size >= APPEND_ENDS_MAX) {
      const oldest = this.appendEnds.keys().next().value;
      if (oldest !== undefined) this.appendEnds.delete(oldest);
    }
    this.appendEnds.set(appendId, end);
  }

  private indexOfDataRecord(records: readonly KurrentRecord[], nth: number): number {
    let count = 0;
    for (const [index, record] of records.entries()) {
      if (this.names.streamIdOf(record.streamId) !== null) count += 1;
      if (count === nth) return index;
    }
    return -1;
  }

  /** Records of this store's streams (ours and beside them), in $all order. */
  private readOurs(from: ReadPosition, direction: Direction, maxCount: number) {
    return this.collect(this.client.readAll({
      fromPosition: from, direction, maxCount, requiresLeader: true,
      filter: streamNameFilter({ prefixes: [this.names.dataPrefix, this.names.sidePrefix] }),
    }));
  }

  private async readLast(streamName: string): Promise<KurrentRecord | null> {
    const [last] = await this.collect(this.client.readStream(streamName, {
      direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true,
    }));
    return last ?? null;
  }

  /** Every event of a read; a stream that does not exist reads empty. */
  private async collect(
    read: AsyncIterable<ResolvedEvent | AllStreamResolvedEvent>,
  ): Promise<KurrentRecord[]> {
    const records: KurrentRecord[] = [];
    try {
      for await (const resolved of read) {
        if (resolved.event) records.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw asStoreError(error);
    }
    return records;
  }

  private logged(record: KurrentRecord): LoggedRecord {
    const appendId = (record.metadata as Record<string, unknown> | undefined)?.[PROPERTY.append];
    const logPosition = record.position?.prepare;
    if (typeof appendId !== 'string' || logPosition === undefined) {
      throw new InfraError(`event store: a KurrentDB record of ours lacks ${PROPERTY.append} or a position`);
    }
    return { appendId, logPosition };
  }

  private parse(record: KurrentRecord, streamId: StreamId): StoredEvent {
    const parsed = parseStoredEvent(record, streamId);
    if (!parsed.ok) {
      throw new InfraError(`event store: ${streamId}@${record.revision + 1n}: ${parsed.problem}`);
    }
    return parsed.value;
  }

  private assertOpen(): void {
    assert(!this.closed, 'the store is open');
  }
}

/** What an append queues on in this process: its streams, its key and its claims. */
function lockKeysOf(request: AppendRequest): string[] {
  const keys = request.streams.map((stream) => stream.streamId);
  const { idempotency } = request;
  if (idempotency) keys.push(`\u0000key\u0000${claimKey({ scope: idempotency.scope, value: idempotency.key })}`);
  for (const claim of request.uniqueClaims ?? []) keys.push(`\u0000claim\u0000${claimKey(claim)}`);
  return keys;
}

function settle(
  request: AppendRequest,
  verdict: Exclude<AppendVerdict, { kind: 'write' }>,
  observed: ObservedState,
): AppendResult {
  if (verdict.kind === 'refused') throw verdict.error;
  const nextVersions = new Map(request.streams.map(({ streamId }) =>
    [streamId, observed.versions.get(streamId) ?? 0n]));
  return { nextVersions, position: null };
}

const comparePositionsStart = (position: Position): boolean =>
  position.transactionId === START_POSITION.transactionId
  && position.globalPosition === START_POSITION.globalPosition;

/** The JSON data of a side record (a claim, a key, a credential), or null for none. */
function sideData(record: KurrentRecord | null): Record<string, unknown> | null {
  const data = record?.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? data as Record<string, unknown> : null;
}
