// Idempotency-Key handling. The record (caller, key, request hash, response) is written by the
// event store in the same transaction as the command's events, so a stored response exists
// exactly when the effect does. A retry with the same key and body gets the stored response
// byte for byte; the same key with another body gets 422 idempotency_key_reused.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { canonicalJson } from '../../shared/ports/canonical-json';
import { DomainError } from '../../shared/errors/domain-error';
import { IDEMPOTENCY_KEY_PATTERN } from '../../shared/http/idempotency-key';
import type { EventStore, IdempotencyRecord } from '../../shared/ports/event-store.port';

export type IdempotencyContext = Readonly<{ scope: string; key: string; requestHash: string }>;

/** Reads and checks the header; `required` routes answer 400 without it. */
export function idempotencyContext(
  request: FastifyRequest,
  scope: string,
  options: { required: boolean },
): IdempotencyContext | null {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    if (!options.required) return null;
    throw new DomainError('idempotency_key_required', 'this route needs an Idempotency-Key header');
  }
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new DomainError('invalid_request', 'Idempotency-Key must be 1-255 printable characters');
  }
  const route = request.routeOptions.url ?? request.url;
  const fingerprint = canonicalJson({
    method: request.method,
    route,
    params: request.params ?? {},
    body: request.body ?? null,
  });
  const requestHash = createHash('sha256').update(fingerprint).digest('hex');
  return { scope, key: header, requestHash };
}

/** The stored response for this key, or null; throws if the key was used for another body. */
export async function storedResponse(
  store: EventStore,
  context: IdempotencyContext,
): Promise<IdempotencyRecord | null> {
  const record = await store.findIdempotency(context.scope, context.key);
  if (!record) return null;
  if (record.requestHash !== context.requestHash) {
    throw new DomainError(
      'idempotency_key_reused',
      'this Idempotency-Key was used with a different request',
    );
  }
  return record;
}

export const idempotencyRecord = (
  context: IdempotencyContext,
  status: number,
  body: unknown,
): IdempotencyRecord => ({
  scope: context.scope,
  key: context.key,
  requestHash: context.requestHash,
  responseStatus: status,
  responseBody: JSON.stringify(body),
});
