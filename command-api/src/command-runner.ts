// Runs one command: replay a stored idempotent response if there is one; otherwise, holding
// the in-process locks of the streams involved, decide and append, reloading and deciding
// again on a version conflict (bounded). The idempotency record is appended in the same
// transaction as the events, so a response is stored exactly when its effect is.
// tng_commands_total counts each decision by its outcome: `ok`, or the rejection's code, so
// insufficient_funds and limit_exceeded (both 422) stay apart. Replays of stored responses
// and exact retries that change nothing are not counted again.
import { ERROR_CODES, type ErrorCode } from '../../shared/errors/codes';
import { DomainError, InfraError } from '../../shared/errors/domain-error';
import type { KeyedMutex } from '../../shared/concurrency/keyed-mutex';
import {
  IdempotencyKeyTaken,
  VersionConflict,
  encodePosition,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type IdempotencyRecord,
} from '../../shared/ports/event-store.port';
import { withReadSet } from '../../shared/aggregates/read-set';
import type { CommandName, CommandOutcome } from '../../shared/telemetry/metric-labels';
import type { Metrics } from '../../shared/telemetry/metrics';
import { idempotencyRecord, storedResponse, type IdempotencyContext } from './idempotency';

export const CONFLICT_RETRIES_MAX = 8;

export type Outcome = Readonly<{
  status: number;
  body: unknown;
  /** What to append; absent when the command changes nothing (e.g. an exact retry). */
  append?: Omit<AppendRequest, 'idempotency'>;
}>;

export type CommandReply = Readonly<{ status: number; body: string; position: string | null }>;

export type RunnerDeps = Readonly<{
  store: EventStore;
  mutex: KeyedMutex;
  metrics: Metrics;
  /** Told of every committed append, to keep in-process aggregate caches current. */
  onCommitted?: (append: Omit<AppendRequest, 'idempotency'>, result: AppendResult) => void;
}>;

type Command = Readonly<{
  /** A label value: every name is listed in shared/telemetry/metric-labels.ts. */
  name: CommandName;
  lockKeys: readonly string[];
  idempotency: IdempotencyContext | null;
  decide: () => Promise<Outcome>;
}>;

/**
 * The first attempt decides on cached state (see shared/aggregates/read-set.ts) and checks
 * its read set at append; a rejection, a conflict or a twin's key makes the next attempt
 * decide on state read fresh from the store. No stored response is looked up before deciding:
 * a retried request finds its own effect (a duplicate movement, existing event ids or a taken
 * key) and then answers with the stored response.
 */
export async function runCommand(deps: RunnerDeps, command: Command): Promise<CommandReply> {
  try {
    return await runAttempts(deps, command);
  } catch (error) {
    const outcome = thrownOutcome(error);
    if (outcome) deps.metrics.commands.inc({ command: command.name, outcome });
    throw error;
  }
}

async function runAttempts(deps: RunnerDeps, command: Command): Promise<CommandReply> {
  const replay = async () =>
    command.idempotency ? storedResponse(deps.store, command.idempotency) : null;
  return deps.mutex.withKeys(command.lockKeys, async () => {
    for (let attempt = 1; ; attempt += 1) {
      const fresh = attempt > 1;
      if (fresh) {
        const stored = await replay();
        if (stored) return replayed(deps, stored);
      }
      const decided = await decideOrReplay(command.decide, replay, fresh);
      if (decided === 'decide-fresh') continue;
      if ('replay' in decided) return replayed(deps, decided.replay);
      const { outcome, reads } = decided;
      // A decision that changes nothing is usually a twin that queued behind the request
      // that stored the response: answer with that response, byte for byte.
      if (!outcome.append) return (await replayIfStored(deps, replay)) ?? unchanged(deps, outcome);
      const append = withReadChecks(outcome.append, reads);
      try {
        const result = await deps.store.append({
          ...append,
          ...(command.idempotency
            ? { idempotency: idempotencyRecord(command.idempotency, outcome.status, outcome.body) }
            : {}),
        });
        deps.onCommitted?.(append, result);
        // Every event already existed: a twin in another process wrote them, with its reply.
        if (!result.position) {
          return (await replayIfStored(deps, replay)) ?? unchanged(deps, outcome);
        }
        countAppended(deps.metrics, append);
        deps.metrics.commands.inc({ command: command.name, outcome: decidedOutcome(outcome) });
        const body = JSON.stringify(outcome.body);
        return { status: outcome.status, body, position: encodePosition(result.position) };
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
function withReadChecks(
  append: Omit<AppendRequest, 'idempotency'>,
  reads: ReadonlyMap<string, bigint>,
): Omit<AppendRequest, 'idempotency'> {
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
 * Decides. A rejection decided on cached state is decided again on fresh state; a rejection
 * after a twin stored its response yields that response instead.
 */
async function decideOrReplay(
  decide: () => Promise<Outcome>,
  replay: () => Promise<IdempotencyRecord | null>,
  fresh: boolean,
): Promise<Decided> {
  try {
    const { result, reads } = await withReadSet(fresh, decide);
    const outcome = withoutEmptyStreams(result);
    if (!fresh && outcome.status >= 400) return 'decide-fresh';
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
  deps: RunnerDeps,
  replay: () => Promise<IdempotencyRecord | null>,
): Promise<CommandReply | null> {
  const stored = await replay();
  return stored ? replayed(deps, stored) : null;
}

/** A successful command that changed nothing still carries its X-Ledger-Position. */
async function unchanged(deps: RunnerDeps, outcome: Outcome): Promise<CommandReply> {
  const body = JSON.stringify(outcome.body);
  const position = outcome.status < 400 ? encodePosition(await deps.store.headPosition()) : null;
  return { status: outcome.status, body, position };
}

/** A decision that appends nothing (an exact retry) needs no transaction at all. */
function withoutEmptyStreams(outcome: Outcome): Outcome {
  if (!outcome.append) return outcome;
  const streams = outcome.append.streams.filter((stream) => stream.events.length > 0);
  if (streams.length === 0) return { status: outcome.status, body: outcome.body };
  return { ...outcome, append: { ...outcome.append, streams } };
}

async function replayed(deps: RunnerDeps, record: IdempotencyRecord): Promise<CommandReply> {
  const head = await deps.store.headPosition();
  return {
    status: record.responseStatus,
    body: record.responseBody,
    position: encodePosition(head),
  };
}

/** `ok`, or the code of the problem the decision answers (every rejection body has one). */
function decidedOutcome(outcome: Outcome): CommandOutcome {
  if (outcome.status < 400) return 'ok';
  const code = (outcome.body as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : 'internal_error';
}

/** A rejection thrown by the decision, or the store being unavailable; bugs are not counted. */
function thrownOutcome(error: unknown): CommandOutcome | null {
  if (error instanceof DomainError) return error.code;
  if (error instanceof InfraError) return 'unavailable';
  return null;
}

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

function countAppended(metrics: Metrics, append: Omit<AppendRequest, 'idempotency'>): void {
  for (const stream of append.streams) {
    for (const event of stream.events) metrics.eventsAppended.inc({ type: event.type });
  }
}

// Moved to shared so the sagas derive event ids the same way; re-exported for the routes.
export { deterministicUuid } from '../../shared/domain/deterministic-uuid';
