// Audit routes (auditors and admins only): raw events of any stream with versions, positions
// and hashes, and a wallet's balance at any instant replayed from the event log.
// Invariant: no secret leaves here. Event data comes from the store decoded to its latest
// schema version, and the upcasters of version 1 user events (shared/domain/user/
// user.events.ts) leave out the password hash those events stored: that is the one place
// old events are redacted. The `hash` shown is the stored event's, which `tng audit verify`
// recomputes from the stored bytes.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod/v4';
import { balanceSummary, replayWallet } from '../../shared/audit/replay-wallet';
import { DomainError } from '../../shared/errors/domain-error';
import { principalOf, requireRole } from '../../shared/http/principal';
import {
  decodeCursor,
  encodeCursor,
  pageLimit,
  PageQuerySchema,
} from '../../shared/http/pagination';
import { ALWAYS, AUTHENTICATED, responses } from '../../shared/http/responses';
import { IdSchema } from '../../shared/http/schemas';
import { encodePosition, type EventStore } from '../../shared/ports/event-store.port';
import { parseInstant } from '../../shared/time/instant';
import { InstantQuerySchema } from './instant-query';
import { reads } from './route-read-models';
import { AuditEventPageSchema, BalanceAtSchema } from './query-responses';

/** Auditor routes: the bearer token and a role (403), X-Min-Position like every query. */
const audit = { tags: ['audit'], security: [{ bearer: [] }], contract: { minPosition: true } };
const AUDIT_ERRORS = [...ALWAYS, ...AUTHENTICATED, 403, 404] as const;

export function auditRoutes(deps: { store: EventStore }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.addHook('preHandler', async (request) => {
      requireRole(principalOf(request), 'auditor', 'admin');
    });

    app.get(
      '/v1/audit/streams/:streamId',
      {
        config: reads(), // The event log itself: X-Min-Position has nothing to wait for.
        schema: {
          params: z.strictObject({ streamId: IdSchema }),
          querystring: PageQuerySchema,
          ...audit,
          response: responses({ 200: AuditEventPageSchema }, AUDIT_ERRORS),
        },
      },
      async (request) => {
        const limit = pageLimit(request.query.limit);
        const from = decodeCursor(request.query.cursor, /^[0-9]{1,19}$/) ?? '1';
        const events = await deps.store.readStream(request.params.streamId, {
          fromVersion: BigInt(from),
          limit: limit + 1,
        });
        if (events.length === 0 && from === '1')
          throw new DomainError('not_found', 'no such stream');
        const items = events.slice(0, limit).map((event) => ({
          streamId: event.streamId,
          streamVersion: event.streamVersion.toString(),
          position: encodePosition(event.position),
          eventId: event.eventId,
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
          metadata: event.metadata,
          recordedAt: event.recordedAt.toISOString(),
          hash: event.hash,
        }));
        const next = events.length > limit ? events[limit]!.streamVersion.toString() : null;
        return { items, nextCursor: next ? encodeCursor(next) : null };
      },
    );

    app.get(
      '/v1/audit/wallets/:walletId/balance-at',
      {
        config: reads(), // Replayed from the wallet's stream.
        schema: {
          params: z.strictObject({ walletId: IdSchema }),
          querystring: z.strictObject({ at: InstantQuerySchema }),
          ...audit,
          response: responses({ 200: BalanceAtSchema }, AUDIT_ERRORS),
        },
      },
      async (request) => {
        const { state, last } = await replayWallet(deps.store, request.params.walletId, {
          at: parseInstant(request.query.at)!,
        });
        if (state.status === 'absent') throw new DomainError('not_found', 'no such wallet then');
        return {
          walletId: request.params.walletId,
          at: request.query.at,
          ...balanceSummary(state, last),
        };
      },
    );
  };
}
