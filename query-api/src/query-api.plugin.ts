// The query API: reads read models (never the event log, except the audit routes), honours
// X-Min-Position for read-your-writes, and answers 404 for anything the caller may not see.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod/v4';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodApp } from '../../shared/http/create-http-server';
import type { Cache } from '../../shared/ports/cache.port';
import type { EventStore } from '../../shared/ports/event-store.port';
import { DomainError } from '../../shared/errors/domain-error';
import { canReadAnything, principalOf } from '../../shared/http/principal';
import { decodeCursor, page, pageLimit, PageQuerySchema } from '../../shared/http/pagination';
import { responses } from '../../shared/http/responses';
import { QUERY_ERRORS, QUERY_ROUTE } from './query-route-options';
import { IdSchema } from '../../shared/http/schemas';
import type { ReadDatabase } from '../../shared/ports/read-database.port';
import { waitForPosition } from './position-waiter';
import { readModelsOf, reads } from './route-read-models';
import { findTransfer, listWallets } from './wallet-queries';
import { visibleWallet } from './visible-wallet';
import { insightsRoutes, type InsightsRouteDeps } from './insights/insights.routes';
import { auditRoutes } from './audit.routes';
import { auditWalletsRoutes } from './audit-wallets.routes';
import { topUpQueryRoutes } from './top-ups.routes';
import { walletStreamRoutes, type WalletStreamDeps } from './wallet-stream/wallet-stream.routes';
import {
  historyCsv, historyPage, HistoryQuerySchema, movementById, wantsCsv,
} from './history.handlers';
import { MovementSchema, TransactionPageSchema } from './movement.schemas';
import { TransferViewSchema, WalletPageSchema, WalletViewSchema } from './query-responses';

export type QueryApiDeps = {
  pool: Pool;
  /** The read models' typed queries go through it (shared/ports/read-database.port.ts). */
  readDatabase: ReadDatabase;
  cache: Cache;
  store: EventStore;
  authenticate: (request: FastifyRequest) => Promise<void>;
  readYourWritesWaitMsMax: number;
  /** Statements and insights (query-api/src/insights/). */
  insights: Omit<InsightsRouteDeps, 'readDatabase' | 'cache'>;
  /** GET /v1/wallets/:walletId/stream's bounds (wallet-stream/wallet-stream.routes.ts). */
  walletStreams: Omit<WalletStreamDeps, 'pool' | 'readDatabase'>;
};

const WalletParams = z.strictObject({ walletId: IdSchema });
const notFound = () => new DomainError('not_found', 'no such resource');
const query = QUERY_ROUTE;

export function queryApi(deps: QueryApiDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.addHook('preHandler', async (request) => {
      await deps.authenticate(request);
      const token = request.headers['x-min-position'];
      if (typeof token === 'string') {
        const readModels = readModelsOf(request);
        await waitForPosition(deps.pool, token, readModels, deps.readYourWritesWaitMsMax);
      }
    });

    getWalletsRoute(app, deps);

    getWalletsWalletIdRoute(app, deps);

    getWalletsWalletIdTransactionsRoute(app, deps);

    getTransfersTransferIdRoute(app, deps);

    getTransactionsTransactionIdRoute(app, deps);

    await app.register(auditRoutes({ store: deps.store }));

    await app.register(auditWalletsRoutes({ readDatabase: deps.readDatabase }));

    await app.register(insightsRoutes({ ...deps.insights, readDatabase: deps.readDatabase,
      cache: deps.cache }));
    await app.register(topUpQueryRoutes({ readDatabase: deps.readDatabase }));
    await app.register(walletStreamRoutes({
      ...deps.walletStreams, pool: deps.pool, readDatabase: deps.readDatabase }));
  };
}

function getWalletsRoute(app: ZodApp, deps: QueryApiDeps): void {
  app.get(
    '/v1/wallets',
    {
      config: reads('wallets'),
      schema: {
        querystring: PageQuerySchema,
        tags: ['wallets'],
        ...query,
        response: responses({ 200: WalletPageSchema }, QUERY_ERRORS),
      },
    },
    async (request) => {
      const limit = pageLimit(request.query.limit);
      const after = decodeCursor(request.query.cursor, /^[\w-]{1,100}$/);
      const rows = await listWallets(deps.readDatabase, principalOf(request).userId, after, limit);
      return page(rows, limit, (row) => row.walletId);
    },
  );
}

function getWalletsWalletIdRoute(app: ZodApp, deps: QueryApiDeps): void {
  app.get(
    '/v1/wallets/:walletId',
    {
      config: reads('wallets'),
      schema: {
        params: WalletParams,
        tags: ['wallets'],
        ...query,
        response: responses({ 200: WalletViewSchema }, QUERY_ERRORS, [404]),
      },
    },
    async (request) => visibleWallet(deps, request, request.params.walletId),
  );
}

function getWalletsWalletIdTransactionsRoute(app: ZodApp, deps: QueryApiDeps): void {
  app.get(
    '/v1/wallets/:walletId/transactions',
    {
      // The failure reason of a failed movement comes from rm_transfers.
      config: reads('wallets', 'transfers'),
      schema: {
        params: WalletParams,
        querystring: HistoryQuerySchema,
        tags: ['wallets'],
        ...query,
        // The same 200 is a JSON page or, for `Accept: text/csv`, the whole range as CSV.
        contract: { ...query.contract, media: { 200: ['application/json', 'text/csv'] } },
        response: responses({ 200: TransactionPageSchema }, QUERY_ERRORS, [404]),
        description: 'Newest first. With `Accept: text/csv`: every row of the filtered range '
          + 'as CSV (amounts in minor units), no pagination.',
      },
    },
    async (request, reply) => {
      await visibleWallet(deps, request, request.params.walletId);
      if (wantsCsv(request)) {
        await historyCsv(deps.readDatabase, request.params.walletId, request.query, reply);
        return reply;
      }
      return historyPage(deps.readDatabase, request.params.walletId, request.query);
    },
  );
}

function getTransactionsTransactionIdRoute(app: ZodApp, deps: QueryApiDeps): void {
  app.get(
    '/v1/transactions/:transactionId',
    {
      config: reads('wallets', 'transfers'),
      schema: {
        params: z.strictObject({ transactionId: IdSchema }),
        tags: ['transfers'],
        ...query,
        response: responses({ 200: MovementSchema }, QUERY_ERRORS, [404]),
      },
    },
    async (request) => movementById(deps.readDatabase, request, request.params.transactionId),
  );
}

function getTransfersTransferIdRoute(app: ZodApp, deps: QueryApiDeps): void {
  app.get(
    '/v1/transfers/:transferId',
    {
      // rm_wallets says who owns either side.
      config: reads('transfers', 'wallets'),
      schema: {
        params: z.strictObject({ transferId: IdSchema }),
        tags: ['transfers'],
        ...query,
        response: responses({ 200: TransferViewSchema }, QUERY_ERRORS, [404]),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const viewer = canReadAnything(principal) ? null : principal.userId;
      const transfer = await findTransfer(deps.readDatabase, request.params.transferId, viewer);
      if (!transfer) throw notFound();
      return transfer;
    },
  );
}
