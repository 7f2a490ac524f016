// Which Postgres failures mean what. Expected rejections (a stale version, a taken key)
// never raise: tng_append_batch returns them as outcomes. Failures an append may pass on a
// retry are named here; an unreachable database (refused, lost connection, shutting down,
// no pooled connection within its timeout) becomes DependencyUnavailable (503 over HTTP,
// shared/errors/unavailable.ts decides which failures those are); other transient failures
// (deadlock, out of resources) become InfraError so callers may retry; anything else is a
// bug and propagates unchanged.
import { DatabaseError } from 'pg';
import { InfraError } from '../../errors/domain-error';
import { asDependencyUnavailable, isDependencyUnavailable } from '../../errors/unavailable';

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
  if (isDependencyUnavailable(error)) return asDependencyUnavailable(error, 'event store');
  if (error instanceof DatabaseError) {
    const transient = TRANSIENT_CLASSES.has(error.code?.slice(0, 2) ?? '');
    return transient ? new InfraError(`event store: ${error.message}`, { cause: error }) : error;
  }
  // Other errors of the socket itself (an errno code such as EPROTO) carry no SQLSTATE.
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new InfraError(`event store: ${String(message)}`, { cause: error });
  }
  return error;
}
