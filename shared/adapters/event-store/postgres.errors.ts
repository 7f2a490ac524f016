// Which Postgres failures mean what. Rejections the port names (a taken idempotency key,
// a duplicate event id) are recognised by constraint name; transient failures (lost
// connection, deadlock, server shutting down) become InfraError so callers may retry;
// anything else is a bug and propagates unchanged.
import { DatabaseError } from 'pg';
import { InfraError } from '../../errors/domain-error';

export const UNIQUE_VIOLATION = '23505';
export const EVENT_ID_CONSTRAINT = 'events_event_id_key';
export const IDEMPOTENCY_CONSTRAINT = 'idempotency_keys_pkey';

/** SQLSTATE classes: connection exception, transaction rollback, resources, operator. */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57']);

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    error instanceof DatabaseError &&
    error.code === UNIQUE_VIOLATION &&
    error.constraint === constraint
  );
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
