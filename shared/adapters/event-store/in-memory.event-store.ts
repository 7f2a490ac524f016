// The in-memory EventStore, for unit tests only. It keeps the Postgres adapter's semantics,
// proven by the same contract suite: all-or-nothing appends, expected versions, idempotent
// event ids, claims, credentials and idempotency records in the same "transaction", hash
// chains and positions of (transactionId, globalPosition) with one transaction per append.
// Payloads are stored as JSON text and parsed on every read, as a database would, so a
// caller that mutates an object it appended or read cannot change history. Stream locks
// (withStreamLocks) are a per-stream mutex that every append waits for, as Postgres's
// advisory locks make every append wait.
import { KeyedMutex } from '../../concurrency/keyed-mutex';
import { assert } from '../../errors/assert';
import {
  DuplicateEvent, IdempotencyKeyTaken, START_POSITION, UniqueClaimTaken, VersionConflict,
  comparePositions,
  type AppendOptions, type AppendRequest, type AppendResult, type EventCodec, type EventMetadata,
  type EventStore,
  type IdempotencyRecord, type LockedDecision, type LockedOutcome, type NewEvent, type Position,
  type RecordedEvent, type StreamId, type StreamVerification,
} from '../../ports/event-store.port';
import {
  assertReadLimit, assertValidAppend, requestEventIds,
  versionMatches,
} from './append-request';
import { awaitPredecessors } from './append-chain';
import { decideUnderInProcessLocks } from './in-process-stream-locks';
import { AppendWaiters } from './append-waiters';
import { ChainVerifier, headWithoutEvents } from './chain-verifier';
import { GENESIS_HASH, hashEvent } from './event-hash';
import { decodePayload } from './event-payload';

// An event as this store holds it: payloads as JSON text, as a database row would.
type InMemoryEventRow = Readonly<{
  streamId: StreamId;
  streamVersion: bigint;
  eventId: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
  position: Position;
  recordedAt: Date;
  hash: string;
}>;
type StreamState = { version: bigint; lastHash: string; events: InMemoryEventRow[] };

export type InMemoryEventStoreOptions = Readonly<{
  codec?: EventCodec;
  /** The "database clock" for recordedAt. */
  now?: () => Date;
}>;

export class InMemoryEventStore implements EventStore {
  private readonly streams = new Map<StreamId, StreamState>();
  private readonly log: InMemoryEventRow[] = [];
  private readonly eventIds = new Set<string>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private readonly claimOwners = new Map<string, string>();
  private readonly passwordHashes = new Map<string, string>();
  private readonly waiters = new AppendWaiters();
  private readonly streamLocks = new KeyedMutex();
  private transactionId = 0n;
  private closed = false;

  constructor(private readonly options: InMemoryEventStoreOptions = {}) {}

  async append(request: AppendRequest, options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(request);
    await awaitPredecessors(request, options.after);
    this.assertOpen();
    const streamIds = request.streams.map((stream) => stream.streamId);
    return this.streamLocks.withKeys(streamIds, async () => this.appendNow(request));
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

  // Synchronous from its checks to its write, so nothing can come in between.
  private appendNow(request: AppendRequest): AppendResult {
    // The order EventStore.append documents: a taken key, then a retry of a stored
    // append (a success that writes nothing), then versions, duplicates and claims.
    const idempotency = request.idempotency;
    if (idempotency && this.idempotency.has(idempotencyKey(idempotency))) {
      throw new IdempotencyKeyTaken(idempotency.scope, idempotency.key);
    }
    const eventIds = requestEventIds(request);
    if (eventIds.length > 0 && eventIds.every((id) => this.eventIds.has(id))) {
      return { nextVersions: this.versionsOf(request), position: null };
    }
    this.checkVersions(request);
    const existing = eventIds.find((id) => this.eventIds.has(id));
    if (existing !== undefined) throw new DuplicateEvent(existing);
    this.checkClaims(request);
    // Every check passed: from here on nothing throws, so the write is all or nothing.
    const position = this.write(request);
    this.waiters.wakeAll();
    return { nextVersions: this.versionsOf(request), position };
  }

  async readStream(
    streamId: StreamId,
    options: { fromVersion: bigint; limit: number },
  ): Promise<RecordedEvent[]> {
    assertReadLimit(options.limit);
    const events = this.streams.get(streamId)?.events ?? [];
    // Versions are contiguous from 1, so version v sits at index v - 1.
    const start = options.fromVersion <= 1n ? 0 : Number(options.fromVersion - 1n);
    return events.slice(start, start + options.limit).map((event) => this.toRecorded(event));
  }

  async streamVersion(streamId: StreamId): Promise<bigint> {
    return this.streams.get(streamId)?.version ?? 0n;
  }

  async readAll(options: { after: Position; limit: number }): Promise<RecordedEvent[]> {
    assertReadLimit(options.limit);
    const start = this.firstIndexAfter(options.after);
    return this.log.slice(start, start + options.limit).map((event) => this.toRecorded(event));
  }

  async headPosition(): Promise<Position> {
    return this.log.at(-1)?.position ?? START_POSITION;
  }

  waitForAppend(timeoutMs: number): Promise<void> {
    return this.waiters.wait(timeoutMs);
  }

  async findUniqueClaim(scope: string, value: string): Promise<string | null> {
    return this.claimOwners.get(claimKey({ scope, value })) ?? null;
  }

  async findPasswordHash(userId: string): Promise<string | null> {
    return this.passwordHashes.get(userId) ?? null;
  }

  async findIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    return this.idempotency.get(idempotencyKey({ scope, key })) ?? null;
  }

  async verifyStreams(
    options: { onProgress?: (streams: number) => void } = {},
  ): Promise<StreamVerification> {
    const verifier = new ChainVerifier();
    const streamIds = [...this.streams.keys()].sort();
    for (const streamId of streamIds) {
      const stream = this.streams.get(streamId);
      assert(stream !== undefined, 'a listed stream exists');
      const head = { streamId, version: stream.version, lastHash: stream.lastHash };
      if (stream.events.length === 0) {
        const failure = headWithoutEvents(head);
        if (failure) return failure;
      }
      for (const event of stream.events) {
        const { dataJson, metadataJson } = event;
        const stored = { ...event, data: parse(dataJson), metadata: parse(metadataJson) };
        const failure = verifier.accept(stored, head);
        if (failure) return failure;
      }
      options.onProgress?.(verifier.streams);
    }
    return verifier.finish();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiters.wakeAll();
  }

  /** Test only: rewrites a stored event's data and leaves its hash, as an attacker would. */
  tamperForTest(streamId: StreamId, streamVersion: bigint, data: Record<string, unknown>): void {
    const stream = this.streams.get(streamId);
    const index = stream?.events.findIndex((event) => event.streamVersion === streamVersion);
    assert(stream !== undefined && index !== undefined, 'the stream exists');
    const original = stream.events[index];
    assert(original !== undefined, 'the event exists');
    const tampered = { ...original, dataJson: JSON.stringify(data) };
    stream.events[index] = tampered;
    // Global positions count from 1 without gaps here, so position p sits at index p - 1.
    this.log[Number(tampered.position.globalPosition) - 1] = tampered;
  }

  // In stream id order, as Postgres locks them, so both report the same conflict first.
  private checkVersions(request: AppendRequest): void {
    const sorted = [...request.streams].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
    for (const { streamId, expectedVersion } of sorted) {
      const actual = this.streams.get(streamId)?.version ?? 0n;
      if (!versionMatches(expectedVersion, actual)) {
        throw new VersionConflict(streamId, expectedVersion, actual);
      }
    }
  }

  private checkClaims(request: AppendRequest): void {
    for (const claim of request.uniqueClaims ?? []) {
      const owner = this.claimOwners.get(claimKey(claim));
      // Either: a claim made again by its owner is allowed (a retried registration).
      if (owner !== undefined && owner !== claim.ownerId) {
        throw new UniqueClaimTaken(claim.scope, claim.value);
      }
    }
  }

  private write(request: AppendRequest): Position | null {
    this.transactionId += 1n;
    const recordedAt = this.options.now?.() ?? new Date();
    let position: Position | null = null;
    for (const { streamId, events } of request.streams) {
      const stream = this.streams.get(streamId) ?? newStream();
      this.streams.set(streamId, stream);
      for (const event of events) position = this.writeEvent(streamId, stream, event, recordedAt);
    }
    for (const claim of request.uniqueClaims ?? []) {
      this.claimOwners.set(claimKey(claim), claim.ownerId);
    }
    for (const { userId, passwordHash } of request.credentials ?? []) {
      this.passwordHashes.set(userId, passwordHash);
    }
    if (request.idempotency) {
      this.idempotency.set(idempotencyKey(request.idempotency), { ...request.idempotency });
    }
    return position;
  }

  private writeEvent(
    streamId: StreamId,
    stream: StreamState,
    event: NewEvent,
    recordedAt: Date,
  ): Position {
    const streamVersion = stream.version + 1n;
    // A JSON round trip stores exactly what Postgres would (no undefined, Dates as text).
    const data = parse(JSON.stringify(event.data));
    const metadata = parse(JSON.stringify(event.metadata));
    const hash = hashEvent(stream.lastHash, { ...event, streamId, streamVersion, data, metadata });
    const globalPosition = BigInt(this.log.length + 1);
    const position = { transactionId: this.transactionId, globalPosition };
    const stored: InMemoryEventRow = {
      streamId, streamVersion, eventId: event.eventId, type: event.type,
      schemaVersion: event.schemaVersion, dataJson: JSON.stringify(data),
      metadataJson: JSON.stringify(metadata), position, recordedAt, hash,
    };
    stream.events.push(stored);
    this.log.push(stored);
    this.eventIds.add(event.eventId);
    stream.version = streamVersion;
    stream.lastHash = hash;
    return position;
  }

  private versionsOf(request: AppendRequest): Map<StreamId, bigint> {
    const versions = new Map<StreamId, bigint>();
    for (const { streamId } of request.streams) {
      versions.set(streamId, this.streams.get(streamId)?.version ?? 0n);
    }
    return versions;
  }

  // Binary search: the log is sorted by position.
  private firstIndexAfter(after: Position): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePositions(this.log[middle]!.position, after) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private toRecorded(event: InMemoryEventRow): RecordedEvent {
    const { dataJson, metadataJson, ...fields } = event;
    const { codec } = this.options;
    const payload = decodePayload(codec, event.type, event.schemaVersion, parse(dataJson));
    const { schemaVersion, data } = payload;
    const metadata = parse(metadataJson) as EventMetadata;
    return { ...fields, schemaVersion, data, metadata, recordedAt: new Date(event.recordedAt) };
  }

  private assertOpen(): void {
    assert(!this.closed, 'the store is open');
  }
}

const newStream = (): StreamState => ({ version: 0n, lastHash: GENESIS_HASH, events: [] });
const parse = (json: string): Record<string, unknown> =>
  JSON.parse(json) as Record<string, unknown>;
const claimKey = (claim: { scope: string; value: string }) =>
  JSON.stringify([claim.scope, claim.value]);
const idempotencyKey = (record: { scope: string; key: string }) =>
  JSON.stringify([record.scope, record.key]);
