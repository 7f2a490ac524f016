// Runs one command and gives the reply to send: status, body bytes and X-Ledger-Position.
// - Locks: the first attempt decides under the in-process locks of the streams involved
//   (lockKeys), so commands on one wallet in this process queue instead of meeting in a
//   version conflict, and lets them go as soon as its append is submitted, before it
//   commits: the caches then hold the state that append will leave, speculatively, and the
//   next command on the wallet decides on it at once and appends chained after it (the
//   store writes it only if that append succeeded: EventStore.append's `after`). So a hot
//   wallet's commands share group-commit batches instead of waiting a commit each. Locked
//   (pessimistic) attempts hold them until they are answered.
// - Read sets: the first attempt decides on the aggregates' cached state; every stream the
//   decision read but does not write joins the append as a version check with no events
//   (shared/aggregates/read-set.ts), so a stale cache costs a retry, never a wrong decision.
//   A rejection is never answered from the cache: it is decided again on fresh state, which
//   waits for the appends in flight and reads what committed. So is an answer that appends
//   nothing on a speculative state (a twin): it must replay the stored response.
// - Append: the events, and under an Idempotency-Key the response, go to the store as one
//   request; the store commits it with other commands' requests in one transaction (group
//   commit) and answers each request on its own. On a version conflict, or when a twin
//   request took the key first, the next attempt looks for a stored response, then decides
//   again on fresh state. After OPTIMISTIC_CONFLICTS_MAX conflicts it decides pessimistically:
//   load, decide and append holding the store's locks of the streams that conflicted
//   (EventStore.withStreamLocks), which no other writer can move meanwhile, so contention
//   alone never fails a request. CONFLICT_RETRIES_MAX conflicts (only reachable if a writer
//   bypassed the locks) still answer version_conflict.
// - Replay: no stored response is looked up before the first decision. A retry finds its own
//   effect (nothing left to append, its events already stored, or its key taken) and then
//   answers with the stored response, byte for byte.
// - Rejections: a handler returns a business rejection as a DomainError (with what to record,
//   if anything); it becomes its problem body here, as the HTTP error handler maps a thrown
//   one (shared/http/problem.ts), so the stored response and a thrown rejection agree.
// - Metrics: tng_commands_total counts each decision by its outcome, `ok` or the rejection's
//   code (insufficient_funds and limit_exceeded, both 422, stay apart); a thrown rejection
//   counts by its code, an unreachable store as `unavailable`, a bug not at all. Replays and
//   retries that change nothing are not counted again. tng_events_appended_total counts the
//   appended events by type, tng_version_conflicts_total each conflict, and
//   tng_command_retries_total each attempt after the first, by mode (optimistic, pessimistic).
// - Traces (only when tracing is on): each attempt's decision and append are spans
//   (tng.decide, tng.append; tng.decide_and_append_locked under the streams' locks).
import { assert } from '../../shared/errors/assert';
import { DomainError, InfraError } from '../../shared/errors/domain-error';
import {
  IdempotencyKeyTaken,
  VersionConflict,
  encodePosition,
  type AppendRequest,
  type AppendResult,
  type IdempotencyRecord,
  type LockedDecision,
  type LockedOutcome,
} from '../../shared/ports/event-store.port';
import { withReadSet } from '../../shared/aggregates/read-set';
import { rejectionProblem } from '../../shared/http/problem';
import type { CommandName, CommandOutcome } from '../../shared/telemetry/metric-labels';
import type { Metrics } from '../../shared/telemetry/metrics';
import { inSpan, tracingEnabled } from '../../shared/telemetry/tracing';
import type { CommandDeps } from './command-deps';
import { idempotencyRecord, storedResponse, type IdempotencyContext } from './idempotency';

export const CONFLICT_RETRIES_MAX = 8;
/**
 * Conflicts met optimistically before the retries take the streams' locks. A conflict means
 * another writer (usually another process) is moving these streams now. An optimistic retry
 * is cheap (group commit) but may lose again; a locked one cannot lose, but holds the locks
 * over its reads and so stalls the other process's batches that touch them. Measured over
 * two processes and 4 hot wallets (docs/architecture.md "Commands"): locking after the
 * first conflict locked every conflict and took the longest; after three, about one command
 * in twelve locked and the run took about as long as with optimistic retries alone.
 */
export const OPTIMISTIC_CONFLICTS_MAX = 3;

/** What a command appends: events per stream, claims, credentials (the runner adds the key). */
export type Changes = Omit<AppendRequest, 'idempotency'>;

/**
 * A handler's decision: an answer, or a business rejection, with what to append (absent when
 * the command changes nothing, e.g. an exact retry; a rejection may be recorded too).
 */
export type Outcome =
  | Readonly<{ status: number; body: unknown; append?: Changes }>
  | Readonly<{ rejection: DomainError; append?: Changes }>;

export type CommandReply = Readonly<{ status: number; body: string; position: string | null }>;

/** The part of CommandDeps the runner uses; onCommitted keeps the aggregate caches current. */
export type CommandRunnerDeps = Pick<
  CommandDeps, 'store' | 'mutex' | 'metrics' | 'onCommitted' | 'onSubmitted'
>;

type Command = Readonly<{
  /** A label value: every name is listed in shared/telemetry/metric-labels.ts. */
  name: CommandName;
  lockKeys: readonly string[];
  idempotency: IdempotencyContext | null;
  /** Loads, decides, and says what to append; called again for each attempt. */
  handle: () => Promise<Outcome>;
}>;

/** Runs `command` (see the top of this file); a thrown error is counted, then rethrown. */
export async function runCommand(deps: CommandRunnerDeps, command: Command): Promise<CommandReply> {
  try {
    return await runAttempts(deps, command);
  } catch (error) {
    const outcome = thrownOutcome(error);
    if (outcome) deps.metrics.commands.inc({ command: command.name, outcome });
    throw error;
  }
}

async function runAttempts(deps: CommandRunnerDeps, command: Command): Promise<CommandReply> {
  const replay = async () =>
    command.idempotency ? storedResponse(deps.store, command.idempotency) : null;
  let locks: readonly string[] | null = null; // Null while attempts are optimistic.
  let conflicts = 0;
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1) {
      const mode = locks ? 'pessimistic' : 'optimistic';
      deps.metrics.commandRetries.inc({ command: command.name, mode });
      const stored = await replay();
      if (stored) return replayed(deps, stored);
    }
    const held: readonly string[] | null = locks;
    const step: Step = held
      ? await deps.mutex.withKeys(command.lockKeys, () =>
        lockedAttempt(deps, command, replay, held))
      : await optimisticAttempt(deps, command, replay, attempt > 1);
    if ('reply' in step) return step.reply;
    if (step.retry === 'conflict') {
      deps.metrics.versionConflicts.inc({ command: command.name });
      conflicts += 1;
      if (conflicts >= CONFLICT_RETRIES_MAX) {
        throw new DomainError('version_conflict', 'the wallet kept changing; retry the request');
      }
    }
    if ('streams' in step && (locks || conflicts >= OPTIMISTIC_CONFLICTS_MAX)) {
      locks = [...new Set([...(locks ?? []), ...step.streams])];
    }
  }
}

/**
 * Decides under the in-process locks and lets them go once the append is submitted, before
 * it commits; then waits for its outcome.
 */
async function optimisticAttempt(
  deps: CommandRunnerDeps,
  command: Command,
  replay: Replay,
  fresh: boolean,
): Promise<Step> {
  const submitted = await deps.mutex.withKeys(command.lockKeys, () =>
    submitAttempt(deps, command, replay, fresh));
  return 'step' in submitted ? submitted.step : submitted.settled;
}

/**
 * Decides: the first time on cached state (speculative included: aggregate-repository.ts),
 * a retry on what committed; then submits the append chained after the appends in flight
 * that state assumes, and caches the state it will leave, without waiting for its commit.
 */
async function submitAttempt(
  deps: CommandRunnerDeps,
  command: Command,
  replay: Replay,
  fresh: boolean,
): Promise<Readonly<{ step: Step }> | Readonly<{ settled: Promise<Step> }>> {
  // Spans only with tracing on: the ternaries keep the untraced path free of closures.
  const decided = tracingEnabled()
    ? await inSpan('tng.decide', () => decideAttempt(command, replay, fresh), spanOf(command))
    : await decideAttempt(command, replay, fresh);
  if (decided.kind === 'fresh') return { step: { retry: 'fresh' } };
  if (decided.kind !== 'append') {
    // Nothing to append, on a state still in flight (a twin of a command not yet committed):
    // decided again on what committed, so it replays that command's stored response.
    if (decided.kind === 'unchanged' && decided.after.length > 0) {
      return { step: { retry: 'fresh' } };
    }
    return { step: { reply: await finish(deps, command, replay, decided, null) } };
  }
  const appended = deps.store.append(decided.request, { after: decided.after });
  // Later appends chain after the store's own promise; the span only watches it.
  if (tracingEnabled()) {
    inSpan('tng.append', () => appended, spanOf(command)).catch(() => undefined);
  }
  deps.onSubmitted(decided.changes, appended);
  const settled = appended.then(
    async (result): Promise<Step> => ({
      reply: await finish(deps, command, replay, decided, result),
    }),
    (error: unknown) => failedAppend(error, streamIdsOf(decided.changes)),
  );
  return { settled };
}

/** How an attempt ended: an answer, or why and how to decide again. */
type Step =
  | Readonly<{ reply: CommandReply }>
  | Readonly<{ retry: 'fresh' | 'key-taken' }>
  | Readonly<{ retry: 'conflict' | 'widen'; streams: readonly string[] }>;

/**
 * Loads, decides and appends holding the store's locks of `locks` (the streams of the append
 * that lost), so no other writer can move them in between: it cannot lose again. A decision
 * that touches a stream it does not hold decides again holding that one too, since taking a
 * lock late could wait out of order.
 */
async function lockedAttempt(
  deps: CommandRunnerDeps,
  command: Command,
  replay: Replay,
  locks: readonly string[],
): Promise<Step> {
  const held = new Set(locks);
  const decideHolding = async (): Promise<LockedDecision<LockedValue>> => {
    const decided = await decideAttempt(command, replay, true, { underStoreLocks: true });
    if (decided.kind !== 'append') return { value: decided, append: null };
    const outside = streamIdsOf(decided.changes).filter((streamId) => !held.has(streamId));
    if (outside.length > 0) return { value: { kind: 'widen', streams: outside }, append: null };
    return { value: decided, append: decided.request };
  };
  let locked: LockedOutcome<LockedValue>;
  try {
    locked = tracingEnabled()
      ? await inSpan('tng.decide_and_append_locked',
        () => deps.store.withStreamLocks(locks, decideHolding), spanOf(command))
      : await deps.store.withStreamLocks(locks, decideHolding);
  } catch (error) {
    return failedAppend(error, locks);
  }
  const { value, result } = locked;
  if (value.kind === 'widen') return { retry: 'widen', streams: value.streams };
  assert(value.kind !== 'fresh', 'a decision on fresh state is never taken again');
  return { reply: await finish(deps, command, replay, value, result) };
}

/** A locked attempt's decision, or the streams it touched but does not hold. */
type LockedValue = AttemptDecision | Readonly<{ kind: 'widen'; streams: string[] }>;

/** A lost race or a twin's key means deciding again; anything else is the command's error. */
function failedAppend(error: unknown, streams: readonly string[]): Step {
  if (error instanceof IdempotencyKeyTaken) return { retry: 'key-taken' }; // A twin won.
  if (error instanceof VersionConflict) return { retry: 'conflict', streams };
  throw error;
}

type Replay = () => Promise<IdempotencyRecord | null>;

/** The attributes of a command's spans: its name, never an id. */
const spanOf = (command: Command) => ({ attributes: { 'tng.command': command.name } });

/** What one decision came to, before anything is appended. */
type AttemptDecision =
  | Readonly<{ kind: 'fresh' }>
  | Readonly<{ kind: 'replay'; record: IdempotencyRecord }>
  | Readonly<{ kind: 'unchanged'; answer: Answer; after: readonly Promise<AppendResult>[] }>
  | Readonly<{
    kind: 'append'; outcome: Outcome; answer: Answer; changes: Changes; request: AppendRequest;
    /** Appends in flight the states it decided on assume (read-set.ts). */
    after: readonly Promise<AppendResult>[];
  }>;

async function decideAttempt(
  command: Command,
  replay: Replay,
  fresh: boolean,
  options: { underStoreLocks?: boolean } = {},
): Promise<AttemptDecision> {
  const decided = await decideOrReplay(command.handle, replay, fresh, options);
  if (decided === 'decide-fresh') return { kind: 'fresh' };
  if ('replay' in decided) return { kind: 'replay', record: decided.replay };
  const { outcome, reads } = decided;
  const after = [...decided.after];
  const answer = answerOf(outcome);
  if (!outcome.append) return { kind: 'unchanged', answer, after };
  const changes = withReadChecks(outcome.append, reads);
  const idempotency = command.idempotency
    ? { idempotency: idempotencyRecord(command.idempotency, answer.status, answer.body) }
    : {};
  return {
    kind: 'append', outcome, answer, changes, request: { ...changes, ...idempotency }, after,
  };
}

/** The reply to a decision, once its append (if any) has committed with `result`. */
async function finish(
  deps: CommandRunnerDeps,
  command: Command,
  replay: Replay,
  decided: Exclude<AttemptDecision, Readonly<{ kind: 'fresh' }>>,
  result: AppendResult | null,
): Promise<CommandReply> {
  if (decided.kind === 'replay') return replayed(deps, decided.record);
  // A decision that changes nothing is usually a twin that queued behind the request that
  // stored the response: answer with that response, byte for byte.
  if (decided.kind === 'unchanged' || !result) {
    return (await replayIfStored(deps, replay)) ?? unchanged(deps, decided.answer);
  }
  const { outcome, answer, changes } = decided;
  deps.onCommitted(changes, result);
  // Every event already existed: a twin in another process wrote them, with its reply.
  if (!result.position) return (await replayIfStored(deps, replay)) ?? unchanged(deps, answer);
  countAppended(deps.metrics, changes);
  deps.metrics.commands.inc({ command: command.name, outcome: decidedOutcome(outcome) });
  const body = JSON.stringify(answer.body);
  return { status: answer.status, body, position: encodePosition(result.position) };
}

const streamIdsOf = (changes: Changes): string[] =>
  changes.streams.map((stream) => stream.streamId);

/** Streams the decision read but does not write join the append as version checks. */
function withReadChecks(append: Changes, reads: ReadonlyMap<string, bigint>): Changes {
  const written = new Set(append.streams.map((stream) => stream.streamId));
  const checks = [...reads]
    .filter(([streamId]) => !written.has(streamId))
    .map(([streamId, version]) => ({ streamId, expectedVersion: version, events: [] }));
  return checks.length === 0 ? append : { ...append, streams: [...append.streams, ...checks] };
}

type Decided =
  | Readonly<{
    outcome: Outcome;
    reads: ReadonlyMap<string, bigint>;
    after: ReadonlySet<Promise<AppendResult>>;
  }>
  | Readonly<{ replay: IdempotencyRecord }>
  | 'decide-fresh';

/**
 * Runs the handler under a read set. A rejection (returned or thrown) decided on cached state
 * is decided again on fresh state; a thrown one after a twin stored its response yields that
 * response instead.
 */
async function decideOrReplay(
  handle: () => Promise<Outcome>,
  replay: () => Promise<IdempotencyRecord | null>,
  fresh: boolean,
  options: { underStoreLocks?: boolean },
): Promise<Decided> {
  try {
    const { result, reads, after } = await withReadSet(fresh, handle, options);
    const outcome = withoutEmptyStreams(result);
    if (!fresh && 'rejection' in outcome) return 'decide-fresh';
    return { outcome, reads, after };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (!fresh) return 'decide-fresh';
    const stored = await replay();
    if (stored) return { replay: stored };
    throw error;
  }
}

async function replayIfStored(
  deps: CommandRunnerDeps,
  replay: Replay,
): Promise<CommandReply | null> {
  const stored = await replay();
  return stored ? replayed(deps, stored) : null;
}

type Answer = Readonly<{ status: number; body: unknown }>;

/** The status and body a decision answers with: a rejection as its problem body. */
function answerOf(outcome: Outcome): Answer {
  if (!('rejection' in outcome)) return outcome;
  const body = rejectionProblem(outcome.rejection);
  return { status: body.status, body };
}

/** A successful command that changed nothing still carries its X-Ledger-Position. */
async function unchanged(deps: CommandRunnerDeps, answer: Answer): Promise<CommandReply> {
  const body = JSON.stringify(answer.body);
  const position = answer.status < 400 ? encodePosition(await deps.store.headPosition()) : null;
  return { status: answer.status, body, position };
}

/** A decision that appends nothing (an exact retry) needs no transaction at all. */
function withoutEmptyStreams(outcome: Outcome): Outcome {
  if (!outcome.append) return outcome;
  const streams = outcome.append.streams.filter((stream) => stream.events.length > 0);
  if (streams.length > 0) return { ...outcome, append: { ...outcome.append, streams } };
  return 'rejection' in outcome
    ? { rejection: outcome.rejection }
    : { status: outcome.status, body: outcome.body };
}

async function replayed(deps: CommandRunnerDeps, record: IdempotencyRecord): Promise<CommandReply> {
  const head = await deps.store.headPosition();
  return {
    status: record.responseStatus,
    body: record.responseBody,
    position: encodePosition(head),
  };
}

/** `ok`, or the code of the rejection the decision answers with. */
function decidedOutcome(outcome: Outcome): CommandOutcome {
  return 'rejection' in outcome ? outcome.rejection.code : 'ok';
}

/** A rejection thrown by the decision, or the store being unavailable; bugs are not counted. */
function thrownOutcome(error: unknown): CommandOutcome | null {
  if (error instanceof DomainError) return error.code;
  if (error instanceof InfraError) return 'unavailable';
  return null;
}

function countAppended(metrics: Metrics, append: Changes): void {
  for (const stream of append.streams) {
    for (const event of stream.events) metrics.eventsAppended.inc({ type: event.type });
  }
}
