// Runs one command: replay a stored idempotent response if there is one; otherwise, holding
// the in-process locks of the streams involved, decide and append, reloading and deciding
// again on a version conflict (bounded). The idempotency record is appended in the same
// transaction as the events, so a response is stored exactly when its effect is.
import { createHash } from 'node:crypto';
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
      const outcome = withoutEmptyStreams(await command.decide());
      const body = JSON.stringify(outcome.body);
      if (!outcome.append) return { status: outcome.status, body, position: null };
      try {
        const result = await deps.store.append({
          ...outcome.append,
          ...(command.idempotency
            ? { idempotency: idempotencyRecord(command.idempotency, outcome.status, outcome.body) }
            : {}),
        });
        countAppended(deps.metrics, outcome.append);
        deps.metrics.commands.inc({ command: command.name, outcome: String(outcome.status) });
        const position = result.position ? encodePosition(result.position) : null;
        return { status: outcome.status, body, position };
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

/** A uuid derived from a seed: a re-decided command produces the same event ids. */
export function deterministicUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  // Shaped as a version-5-style uuid (variant bits set) so it fits a uuid column.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
