// Runs one command: replay a stored idempotent response if there is one; otherwise, holding
// the in-process locks of the streams involved, decide and append, reloading and deciding
// again on a version conflict (bounded). The idempotency record is appended in the same
// transaction as the events, so a response is stored exactly when its effect is.
import { DomainError } from '../../shared/errors/domain-error';
import type { KeyedMutex } from '../../shared/concurrency/keyed-mutex';
import {
  IdempotencyKeyTaken,
  VersionConflict,
  encodePosition,
  type AppendRequest,
  type EventStore,
  type IdempotencyRecord,
} from '../../shared/ports/event-store.port';
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

export type RunnerDeps = Readonly<{ store: EventStore; mutex: KeyedMutex; metrics: Metrics }>;

export async function runCommand(
  deps: RunnerDeps,
  command: Readonly<{
    name: string;
    lockKeys: readonly string[];
    idempotency: IdempotencyContext | null;
    decide: () => Promise<Outcome>;
  }>,
): Promise<CommandReply> {
  const replay = async () =>
    command.idempotency ? storedResponse(deps.store, command.idempotency) : null;
  const before = await replay();
  if (before) return replayed(deps, before);
  return deps.mutex.withKeys(command.lockKeys, async () => {
    for (let attempt = 1; ; attempt += 1) {
      const stored = attempt === 1 ? null : await replay();
      if (stored) return replayed(deps, stored);
      const outcome = await decideOrReplay(command.decide, replay);
      if ('replay' in outcome) return replayed(deps, outcome.replay);
      const body = JSON.stringify(outcome.body);
      // A decision that changes nothing is usually a twin that queued behind the request
      // that stored the response: answer with that response, byte for byte.
      if (!outcome.append) return (await replayIfStored(deps, replay)) ?? unchanged(deps, outcome);
      try {
        const result = await deps.store.append({
          ...outcome.append,
          ...(command.idempotency
            ? { idempotency: idempotencyRecord(command.idempotency, outcome.status, outcome.body) }
            : {}),
        });
        // Every event already existed: a twin in another process wrote them, with its reply.
        if (!result.position) {
          return (await replayIfStored(deps, replay)) ?? unchanged(deps, outcome);
        }
        countAppended(deps.metrics, outcome.append);
        deps.metrics.commands.inc({ command: command.name, outcome: String(outcome.status) });
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

/** Decides; a rejection after a twin stored its response yields that response instead. */
async function decideOrReplay(
  decide: () => Promise<Outcome>,
  replay: () => Promise<IdempotencyRecord | null>,
): Promise<Outcome | { replay: IdempotencyRecord }> {
  try {
    return withoutEmptyStreams(await decide());
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
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

/** A successful command that changed nothing still carries a position (API.md). */
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

function countAppended(metrics: Metrics, append: Omit<AppendRequest, 'idempotency'>): void {
  for (const stream of append.streams) {
    for (const event of stream.events) metrics.eventsAppended.inc({ type: event.type });
  }
}

// Moved to shared so the sagas derive event ids the same way; re-exported for the routes.
export { deterministicUuid } from '../../shared/domain/deterministic-uuid';
