// The event store port. The ledger's correctness lives behind this interface: per-stream
// optimistic concurrency, idempotent event ids, atomic multi-stream appends, a gap-free
// global order, tamper-evident hash chains. Every adapter passes the same contract suite
// (shared/testing/contracts/event-store.contract.ts).

export type StreamId = string;

/**
 * `no-stream`: the stream must not exist yet. `any`: no check (used for credits and system
 * accounts, so hot wallets never retry). A bigint: the stream's last version must equal it.
 * Versions start at 1; a stream with no events is at version 0.
 */
export type ExpectedVersion = bigint | 'no-stream' | 'any';

export type EventMetadata = Readonly<{
  occurredAt: string; // ISO-8601, from the command's clock
  actorId?: string;
  correlationId?: string;
  causationId?: string;
  requestId?: string;
  traceparent?: string;
}>;

export type NewEvent = Readonly<{
  eventId: string; // uuid; appending an existing eventId again is a no-op (see append)
  type: string;
  schemaVersion: number;
  data: Readonly<Record<string, unknown>>;
  metadata: EventMetadata;
}>;

/**
 * A point in the global order. Events are ordered by (transactionId, globalPosition): a
 * reader only sees transactions below the oldest one still running, so a transaction that
 * commits late is never skipped.
 */
export type Position = Readonly<{ transactionId: bigint; globalPosition: bigint }>;
export const START_POSITION: Position = Object.freeze({ transactionId: 0n, globalPosition: 0n });

export type RecordedEvent = NewEvent &
  Readonly<{
    streamId: StreamId;
    streamVersion: bigint;
    position: Position;
    recordedAt: Date;
    hash: string; // hex SHA-256 over the previous hash of the stream and this event's bytes
  }>;

export type StreamAppend = Readonly<{
  streamId: StreamId;
  expectedVersion: ExpectedVersion;
  events: readonly NewEvent[];
}>;

/** Stored in the same transaction as the events: the response of an idempotent request. */
export type IdempotencyRecord = Readonly<{
  scope: string; // e.g. the caller's user id: keys are per caller
  key: string;
  requestHash: string;
  responseStatus: number;
  responseBody: string; // JSON text, replayed byte for byte
}>;

/** A uniqueness reservation written in the same transaction (e.g. a user's e-mail). */
export type UniqueClaim = Readonly<{ scope: string; value: string; ownerId: string }>;

/**
 * A user's password hash (e.g. at registration), written in the same transaction as the
 * events but never into the event log, which auditors read and nobody can rewrite. It
 * replaces the user's previous hash. Only findPasswordHash reads it back.
 */
export type CredentialRecord = Readonly<{ userId: string; passwordHash: string }>;

export type AppendRequest = Readonly<{
  streams: readonly StreamAppend[];
  idempotency?: IdempotencyRecord;
  uniqueClaims?: readonly UniqueClaim[];
  credentials?: readonly CredentialRecord[];
}>;

export type AppendResult = Readonly<{
  /** The last version of each appended stream after the append. */
  nextVersions: ReadonlyMap<StreamId, bigint>;
  /** Position of the last event written; null when every event already existed. */
  position: Position | null;
}>;

/** What a decision taken under stream locks hands back: its value, and what to append. */
export type LockedDecision<T> = Readonly<{ value: T; append: AppendRequest | null }>;

/** The decision's value, and its append's result once committed (null: nothing appended). */
export type LockedOutcome<T> = Readonly<{ value: T; result: AppendResult | null }>;

export type StreamVerification =
  | Readonly<{ ok: true; streams: number; events: number }>
  | Readonly<{ ok: false; streamId: StreamId; streamVersion: bigint; problem: string }>;

export interface EventStore {
  /**
   * Appends to any number of streams in one transaction: all or nothing, the idempotency
   * record, unique claims and credentials included. How an append ends is decided in this
   * order, the first that applies winning (after the precondition asserts, which are bugs):
   *
   * 1. The idempotency (scope, key) already has a record: throws IdempotencyKeyTaken.
   * 2. EVERY event id already exists: succeeds without writing; `position` is null and
   *    `nextVersions` are the streams' versions now.
   * 3. A stream's expected version is stale: throws VersionConflict (the first stale stream
   *    in code-unit order of stream ids).
   * 4. Some, not all, event ids exist: throws DuplicateEvent (the first in request order).
   * 5. A claim is owned by another: throws UniqueClaimTaken (the first in request order). A
   *    claim made again by its owner is kept as it is.
   * 6. Otherwise writes it all. Credentials never decide: they are written exactly when
   *    events are, so 1 to 5 write none.
   *
   * Why this order: it keeps retries correct. A taken key means this request (or a twin with
   * the same key) was already answered, and that stored response is the only right answer
   * (the command runner replays it); any other check would only meet the first request's own
   * effects (its claim, the versions it moved, its events) and answer with an error the
   * client never got the first time. Existing events come next for callers without a key
   * (sagas): an append whose reply was lost finds its own events and must not fail on the
   * versions it moved itself; the runner treats a null position as "a twin wrote this" and
   * replays the stored response if there is one. A stale version comes before a duplicate
   * event and a claim because both are usually the sign of a decision taken on old state:
   * the caller decides again on fresh state (the runner retries VersionConflict), and that
   * decision sees the claim or the twin itself. A partial duplicate is a bug or a twin that
   * decided differently, so it is named before a claim, which is an answer to the client.
   * Within one group-commit transaction each append sees what the earlier ones wrote, so
   * twins in one batch meet the same order.
   *
   * Chained appends (`options.after`): promises this store's `append` returned for appends
   * still in flight whose outcome the caller's decision assumed (it decided on the state
   * they leave, with versions counted on from theirs). This append is written only after
   * each of them succeeded, never in between, and at most in the same transaction right
   * after them; if any of them failed, it throws VersionConflict (on its first stream; the
   * actual version is null where not known) and writes nothing, whatever the versions say:
   * another writer may have moved a stream by the same count, and a version check alone
   * would then pass on a state the decision never saw. So a caller can decide on the state
   * an append in flight will leave without waiting for its commit (the command runner does,
   * for hot wallets: docs/architecture.md, "Hot wallets").
   */
  append(request: AppendRequest, options?: AppendOptions): Promise<AppendResult>;
  /**
   * Pessimistic concurrency, for a decision that already lost an optimistic race: takes the
   * write locks of `streamIds` (every adapter in one fixed order, so two holders cannot
   * deadlock), runs `decide`, whose reads see every append committed before the locks were
   * granted, then appends what it returns and commits before releasing them. No other append
   * to those streams can come in between, so versions read in `decide` are still current at
   * the append and a stale version cannot be met. The append must write and check only
   * locked streams (asserted); it goes through the same checks and outcomes as `append` (a
   * taken key still throws IdempotencyKeyTaken) but not through group commit. When `decide`
   * throws, nothing is appended and the error is rethrown. `decide` must not call `append`
   * on a locked stream itself: that append would wait for these very locks.
   */
  withStreamLocks<T>(
    streamIds: readonly StreamId[],
    decide: () => Promise<LockedDecision<T>>,
  ): Promise<LockedOutcome<T>>;
  /** Events of one stream from `fromVersion` (inclusive), at most `limit`, parsed. */
  readStream(
    streamId: StreamId,
    options: { fromVersion: bigint; limit: number },
  ): Promise<RecordedEvent[]>;
  /** The stream's last version (0 if absent). */
  streamVersion(streamId: StreamId): Promise<bigint>;
  /** Events after `after` in global order, at most `limit`, only from finished transactions. */
  readAll(options: { after: Position; limit: number }): Promise<RecordedEvent[]>;
  /** The position of the last event a reader can safely see now. */
  headPosition(): Promise<Position>;
  /** Resolves when new events may be readable, or after `timeoutMs`. */
  waitForAppend(timeoutMs: number): Promise<void>;
  findIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /** The owner of a unique claim (e.g. the user id of an e-mail), or null. */
  findUniqueClaim(scope: string, value: string): Promise<string | null>;
  /** The user's current password hash (see CredentialRecord), or null; for login only. */
  findPasswordHash(userId: string): Promise<string | null>;
  /** Recomputes every hash chain and checks versions are contiguous from 1. */
  verifyStreams(options?: { onProgress?: (streams: number) => void }): Promise<StreamVerification>;
  close(): Promise<void>;
}

/** See EventStore.append. */
export type AppendOptions = Readonly<{ after?: readonly Promise<AppendResult>[] }>;

export class VersionConflict extends Error {
  override readonly name = 'VersionConflict';
  constructor(
    readonly streamId: StreamId,
    readonly expected: ExpectedVersion,
    /** Null when an append this one was chained after failed (see EventStore.append). */
    readonly actual: bigint | null,
  ) {
    super(actual === null
      ? `stream ${streamId}: an append this one was decided after failed`
      : `stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/** The VersionConflict of `request` when an append it was chained after failed. */
export const predecessorFailed = (request: AppendRequest): VersionConflict => {
  const first = request.streams[0];
  return new VersionConflict(first?.streamId ?? '', first?.expectedVersion ?? 'any', null);
};

export class DuplicateEvent extends Error {
  override readonly name = 'DuplicateEvent';
  constructor(readonly eventId: string) {
    super(`event ${eventId} already exists alongside new events in one append`);
  }
}

export class UniqueClaimTaken extends Error {
  override readonly name = 'UniqueClaimTaken';
  constructor(readonly scope: string, readonly value: string) {
    super(`${scope} is already taken`);
  }
}

export class IdempotencyKeyTaken extends Error {
  override readonly name = 'IdempotencyKeyTaken';
  constructor(readonly scope: string, readonly key: string) {
    super('idempotency key already has a stored response');
  }
}

/** Position tokens on the wire (X-Ledger-Position): "<transactionId>.<globalPosition>". */
export const encodePosition = (position: Position): string =>
  `${position.transactionId}.${position.globalPosition}`;

export function decodePosition(token: string): Position | null {
  const match = /^([0-9]{1,20})\.([0-9]{1,20})$/.exec(token);
  if (!match) return null;
  return { transactionId: BigInt(match[1]!), globalPosition: BigInt(match[2]!) };
}

export const comparePositions = (a: Position, b: Position): number =>
  a.transactionId !== b.transactionId
    ? (a.transactionId < b.transactionId ? -1 : 1)
    : a.globalPosition === b.globalPosition ? 0 : (a.globalPosition < b.globalPosition ? -1 : 1);

/** Decodes and upcasts stored event payloads to their latest schema (domain-owned). */
export interface EventCodec {
  /** Returns the latest-version data for (type, schemaVersion, data); throws if invalid. */
  decode(type: string, schemaVersion: number, data: unknown): {
    schemaVersion: number;
    data: Record<string, unknown>;
  };
}
