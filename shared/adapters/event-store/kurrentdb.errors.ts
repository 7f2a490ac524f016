// Which KurrentDB client failures mean what (docs/architecture.md, "KurrentDB"). A refused
// expectation (WrongExpectedVersion) is never passed on as it is: the store reads what
// happened and answers in the port's order (kurrentdb.precedence.ts); when the state keeps
// moving under it, the last refusal becomes our VersionConflict here. A server that cannot
// be reached becomes DependencyUnavailable (503 over HTTP, like Postgres's); a server too old
// for multi-stream appends, or a refused size, is an InfraError that says so.
import {
  CancelledError, DeadlineExceededError, NotLeaderError, StreamDeletedError,
  StreamTombstonedError, TimeoutError, TransactionMaxSizeExceededError, UnavailableError,
  UnsupportedError, WrongExpectedVersionError, MaxAppendSizeExceededError,
} from '@kurrent/kurrentdb-client';
import { InfraError } from '../../errors/domain-error';
import { DependencyUnavailable } from '../../errors/unavailable';
import {
  VersionConflict, type AppendRequest, type ExpectedVersion,
} from '../../ports/event-store.port';
import type { KurrentNames } from './kurrentdb.names';

export const isWrongExpectedVersion = (error: unknown): error is WrongExpectedVersionError =>
  error instanceof WrongExpectedVersionError;

/**
 * The VersionConflict of a refusal on one of the request's streams: KurrentDB counts
 * revisions from 0 and says `no_stream` for none, we count versions from 1 and 0 for none.
 * On a side stream (a marker, a claim, a key) the first of the request's streams is named,
 * with its actual version unknown.
 */
export function versionConflictOf(
  error: WrongExpectedVersionError,
  request: AppendRequest,
  names: KurrentNames,
): VersionConflict {
  const streamId = names.streamIdOf(error.streamName);
  const stream = request.streams.find((one) => one.streamId === streamId)
    ?? request.streams[0];
  const expected: ExpectedVersion = stream?.expectedVersion ?? 'any';
  if (!stream || streamId === null) {
    return new VersionConflict(stream?.streamId ?? '', expected, null);
  }
  return new VersionConflict(stream.streamId, expected, versionOfState(error.actualState));
}

/** Our stream version for KurrentDB's current state of a stream. */
export const versionOfState = (state: bigint | 'no_stream'): bigint =>
  state === 'no_stream' ? 0n : state + 1n;

export function asStoreError(error: unknown): unknown {
  if (error instanceof UnavailableError || error instanceof DeadlineExceededError
    || error instanceof TimeoutError || error instanceof CancelledError
    || error instanceof NotLeaderError) {
    return new DependencyUnavailable(`event store: KurrentDB: ${error.message}`, { cause: error });
  }
  if (error instanceof UnsupportedError) {
    return new InfraError(
      `event store: KurrentDB ${error.minimumVersion} or later is needed (${error.feature})`,
      { cause: error });
  }
  if (error instanceof TransactionMaxSizeExceededError
    || error instanceof MaxAppendSizeExceededError) {
    return new InfraError(`event store: KurrentDB refused the append's size: ${error.message}`,
      { cause: error });
  }
  if (error instanceof StreamDeletedError || error instanceof StreamTombstonedError) {
    return new InfraError(`event store: a KurrentDB stream was deleted: ${error.message}`,
      { cause: error });
  }
  return error;
}
