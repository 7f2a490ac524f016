// Expected rejections carry a stable code from the registry. They are values of the domain,
// not bugs and not infrastructure failures (those are InvariantViolation and InfraError).
import type { ErrorCode } from './codes';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, safe-to-show fields for the problem body (e.g. the rejected transferId). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A dependency (database, cache, broker) failed or timed out; the caller may retry. */
export class InfraError extends Error {
  override readonly name = 'InfraError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
