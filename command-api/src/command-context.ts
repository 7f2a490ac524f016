// What every command route derives from its request before running the command: the caller,
// the Idempotency-Key (checked), the seed its ids derive from, the clock and event metadata.
import type { FastifyRequest } from 'fastify';
import { deterministicUuid } from '../../shared/domain/deterministic-uuid';
import { principalOf } from '../../shared/http/principal';
import type { EventMetadata } from '../../shared/ports/event-store.port';
import type { CommandDeps } from './command-deps';
import { idempotencyContext, type IdempotencyContext } from './idempotency';
import { metadataFor } from './new-events';

export type CommandContext = Readonly<{
  callerId: string;
  idempotency: IdempotencyContext | null;
  /** New ids (events, movements, holds) derive from it. */
  seed: string;
  now: Date;
  metadata: EventMetadata;
}>;

/** What handlers read of it; the runner takes the idempotency part. */
export type HandlerContext = Omit<CommandContext, 'idempotency'>;

/** `required`: the route answers 400 without an Idempotency-Key. */
export function commandContext(
  deps: Pick<CommandDeps, 'clock' | 'newId'>,
  request: FastifyRequest,
  required: boolean,
): CommandContext {
  const callerId = principalOf(request).userId;
  const idempotency = idempotencyContext(request, callerId, { required });
  // Derived from the key, so twin requests decide identical events (stored once).
  const seed = idempotency ? deterministicUuid(`${callerId}:${idempotency.key}`) : deps.newId();
  const now = deps.clock();
  return {
    callerId,
    idempotency,
    seed,
    now,
    metadata: metadataFor({ id: request.id, principalId: callerId }, now),
  };
}
