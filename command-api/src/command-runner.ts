// Runs one command and gives the reply to send: status, body bytes and X-Ledger-Position.
// - Locks: it holds the in-process locks of the streams involved (lockKeys), so commands on
//   one wallet in this process queue instead of meeting in a version conflict.
// - Read sets: the first attempt decides on the aggregates' cached state; every stream the
//   decision read but does not write joins the append as a version check with no events
//   (shared/aggregates/read-set.ts), so a stale cache costs a retry, never a wrong decision.
//   A rejection is never answered from the cache: it is decided again on fresh state.
// - Append: the events, and under an Idempotency-Key the response, go to the store as one
//   request; the store commits it with other commands' requests in one transaction (group
//   commit) and answers each request on its own. On a version conflict, or when a twin
//   request took the key first, the next attempt looks for a stored response, then decides
//   again on fresh state; after CONFLICT_RETRIES_MAX conflicts it answers version_conflict.
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
//   appended events by type, tng_version_conflicts_total each conflict.
import { DomainError, InfraError } from '../../shared/errors/domain-error';
import {
  IdempotencyKeyTaken,
  VersionConflict,
  encodePosition,
  type AppendRequest,
  type IdempotencyRecord,
} from '../../shared/ports/event-store.port';
import { withReadSet } from '../../shared/aggregates/read-set';
import { rejectionProblem } from '../../shared/http/problem';
import type { CommandName, CommandOutcome } from '../../shared/telemetry/metric-labels';
import type { Metrics } from '../../shared/telemetry/metrics';
import type { CommandDeps } from './command-deps';
import { idempotencyRecord, storedResponse, type IdempotencyContext } from './idempotency';

export const CONFLICT_RETRIES_MAX = 8;

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
export type CommandRunnerDeps = Pick<CommandDeps, 'store' | 'mutex' | 'metrics' | 'onCommitted'>;

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
  return deps.mutex.withKeys(command.lockKeys, async () => {
    for (let attempt = 1; ; attempt += 1) {
      const fresh = attempt > 1;
      if (fresh) {
        const stored = await replay();
        if (stored) return replayed(deps, stored);
      }
      const decided = await decideOrReplay(command.handle, replay, fresh);
      if (decided === 'decide-fresh') continue;
      if ('replay' in decided) return replayed(deps, decided.replay);
      const { outcome, reads } = decided;
      const answer = answerOf(outcome);
      // A decision that changes nothing is usually a twin that queued behind the request
      // that stored the response: answer with that response, byte for byte.
      if (!outcome.append) return (await replayIfStored(deps, replay)) ?? unchanged(deps, answer);
      const append = withReadChecks(outcome.append, reads);
      try {
        const result = await deps.store.append({
          ...append,
          ...(command.idempotency
            ? { idempotency: idempotencyRecord(command.idempotency, answer.status, answer.body) }
            : {}),
        });
        deps.onCommitted(append, result);
        // Every event already existed: a twin in another process wrote them, with its reply.
        if (!result.position) {
          return (await replayIfStored(deps, replay)) ?? unchanged(deps, answer);
        }
        countAppended(deps.metrics, append);
        deps.metrics.commands.inc({ command: command.name, outcome: decidedOutcome(outcome) });
        const body = JSON.stringify(answer.body);
        return { status: answer.status, body, position: encodePosition(result.position) };
      } catch (error) {
        if (error instanceof IdempotencyKeyTaken) continue; // A twin request won: replay it.
        if (!(error instanceof VersionConflict)) throw error;
        deps.metrics.versionConflicts.inc({ command: command.name });
        if (attempt >= CONFLICT_RETRIES_MAX) {
          throw new DomainError('version_conflict', 'the wallet kept changing; retry the request');
        }
      }
    }
  });
}

/** Streams the decision read but does not write join the append as version checks. */
function withReadChecks(append: Changes, reads: ReadonlyMap<string, bigint>): Changes {
  const written = new Set(append.streams.map((stream) => stream.streamId));
  const checks = [...reads]
    .filter(([streamId]) => !written.has(streamId))
    .map(([streamId, version]) => ({ streamId, expectedVersion: version, events: [] }));
  return checks.length === 0 ? append : { ...append, streams: [...append.streams, ...checks] };
}

type Decided =
  | Readonly<{ outcome: Outcome; reads: ReadonlyMap<string, bigint> }>
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
): Promise<Decided> {
  try {
    const { result, reads } = await withReadSet(fresh, handle);
    const outcome = withoutEmptyStreams(result);
    if (!fresh && 'rejection' in outcome) return 'decide-fresh';
    return { outcome, reads };
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
  replay: () => Promise<IdempotencyRecord | null>,
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
