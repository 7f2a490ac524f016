// Which Postgres failures mean what. Expected rejections (a stale version, a taken key)
// never raise: tng_append_batch returns them as outcomes. Failures an append may pass on a
// retry are named here; transient failures (lost connection, deadlock, server shutting
// down) become InfraError so callers may retry; anything else is a bug and propagates
// unchanged.
import { DatabaseError } from 'pg';
import { InfraError } from '../../errors/domain-error';

export const UNIQUE_VIOLATION = '23505';

/** SQLSTATE classes: connection exception, transaction rollback, resources, operator. */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57']);

/**
 * Failures of an append run alone that a retry may pass: a deadlock or serialization
 * failure with another process, or a unique violation from another process's concurrent
 * write that the append's checks could not see (the retry sees it, and answers with the
 * port's typed rejection). Anything else would fail the same way again.
 */
const RETRYABLE_APPEND_CODES = new Set(['40P01', '40001', UNIQUE_VIOLATION]);

export function isRetryableAppendFailure(error: unknown): boolean {
  return error instanceof DatabaseError && RETRYABLE_APPEND_CODES.has(error.code ?? '');
}

export function asStoreError(error: unknown): unknown {
  if (error instanceof DatabaseError) {
    const transient = TRANSIENT_CLASSES.has(error.code?.slice(0, 2) ?? '');
    return transient ? new InfraError(`event store: ${error.message}`, { cause: error }) : error;
  }
  // Errors from the driver itself (socket closed, connect timeout) carry no SQLSTATE.
  if (error instanceof Error && isDriverFailure(error)) {
    return new InfraError(`event store: ${error.message}`, { cause: error });
  }
  return error;
}

function isDriverFailure(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ...
  return /Connection terminated|timeout exceeded when trying to connect/.test(error.message);
}
