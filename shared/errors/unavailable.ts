// The one place that decides "the database cannot be reached" (docs/errors.md `unavailable`).
// Such a failure is nobody's bug and says nothing about the request: the caller gets 503
// `unavailable` with Retry-After and may send the same request again later. Raw driver
// errors reach this from any module that queries a pool (reads, session checks), and the
// event store wraps them first; both end here, so the rule lives once.
// Nothing here imports a driver: the classification reads the error's code and message.
import { InfraError } from './domain-error';

/** A dependency could not be reached (refused, reset, shutting down, no connection free). */
export class DependencyUnavailable extends InfraError {
  // @ts-expect-error InfraError declares its name as the literal 'InfraError'.
  override readonly name = 'DependencyUnavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Socket-level failures (Node's errno codes) while connecting or talking to a server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL',
]);

/**
 * SQLSTATEs that mean the server cannot serve us now. Class 08: connection exception.
 * 57P01-57P03: shutting down (admin or crash) or not yet accepting connections.
 * 53300: too many connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres says, with no code, when a connection dies or none can be had. */
const DRIVER_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
];

/**
 * Whether `error` (or an error it wraps) means the database could not be reached. Read by
 * shape, not `instanceof Error`: socket errors are made by Node's core, which under a test
 * runner's sandbox is another realm with another Error.
 */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (error instanceof DependencyUnavailable) return true;
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, errors, cause } = error as {
    code?: unknown; message?: unknown; errors?: unknown; cause?: unknown;
  };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) {
    return true;
  }
  // Node reports a refused connection to a host with several addresses as an AggregateError.
  if (Array.isArray(errors) && errors.some((inner) => isDependencyUnavailable(inner, depth + 1))) {
    return true;
  }
  return cause !== undefined && isDependencyUnavailable(cause, depth + 1);
}

/** `error` as a DependencyUnavailable when it is one of those failures, else unchanged. */
export function asDependencyUnavailable(error: unknown, what: string): unknown {
  if (error instanceof DependencyUnavailable || !isDependencyUnavailable(error)) return error;
  const reason = String((error as { message?: unknown }).message ?? error);
  return new DependencyUnavailable(`${what}: ${reason}`, { cause: error });
}
