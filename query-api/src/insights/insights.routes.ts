// The statement and insights routes (docs/insights.md). Both answer only the wallet's owner,
// auditors and admins (404 for anyone else, as every wallet route), and refuse a malformed
// or future month with 400 invalid_request.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod/v4';
import type { ZodApp } from '../../../shared/http/create-http-server';
import { responses } from '../../../shared/http/responses';
import { QUERY_ERRORS, QUERY_ROUTE } from '../query-route-options';
import { IdSchema } from '../../../shared/http/schemas';
import { wantsCsv } from '../history.handlers';
import { reads } from '../route-read-models';
import { visibleWallet } from '../visible-wallet';
import {
  InsightsSchema, MonthSchema, StatementSchema, type StatementView,
} from './insights.schemas';
import { walletInsights, type InsightsDeps } from './insights';
import { monthlyStatement, startedMonth } from './statement';
import { statementCsv } from './statement-csv';

export type InsightsRouteDeps = InsightsDeps;

const query = QUERY_ROUTE;
const ERRORS = QUERY_ERRORS;

export function insightsRoutes(deps: InsightsRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    getStatementRoute(app, deps);

    getInsightsRoute(app, deps);
  };
}

function getStatementRoute(app: ZodApp, deps: InsightsRouteDeps): void {
  app.get(
    '/v1/wallets/:walletId/statements/:month',
    {
      config: reads('wallets'),
      schema: {
        params: z.strictObject({ walletId: IdSchema, month: MonthSchema }),
        tags: ['wallets'],
        ...query,
        contract: { ...query.contract, media: { 200: ['application/json', 'text/csv'] } },
        response: responses({ 200: StatementSchema }, ERRORS, [404]),
        description: 'The monthly statement of a calendar month in Asia/Kuala_Lumpur: opening '
          + 'and closing balance, totals, every movement (failed ones listed, not counted). '
          + 'With `Accept: text/csv`: the same as CSV, opening and closing balance as the '
          + 'first and last rows.',
      },
    },
    async (request, reply) => {
      const month = startedMonth(request.params.month, deps.now());
      const wallet = await visibleWallet(deps, request, request.params.walletId);
      const statement = await monthlyStatement(deps.readDatabase, wallet, month);
      if (!wantsCsv(request)) return statement;
      await sendStatementCsv(reply, statement);
      return reply;
    },
  );
}

function getInsightsRoute(app: ZodApp, deps: InsightsRouteDeps): void {
  app.get(
    '/v1/wallets/:walletId/insights',
    {
      // The owner's plan (how deep insights go) comes from rm_users.
      config: reads('wallets', 'users'),
      schema: {
        params: z.strictObject({ walletId: IdSchema }),
        querystring: z.strictObject({ month: MonthSchema }),
        tags: ['wallets'],
        ...query,
        response: responses({ 200: InsightsSchema }, ERRORS, [403, 404]),
        description: 'Spending insights of a month (Asia/Kuala_Lumpur): totals, categories, '
          + 'top merchants, trend, anomalies, fraud hints and a summary. FREE: the current '
          + 'and previous month, 3-month trend; PREMIUM: 12 months (403 forbidden beyond). '
          + 'Cached until the wallet changes.',
      },
    },
    async (request) => {
      await visibleWallet(deps, request, request.params.walletId);
      return walletInsights(deps, request.params.walletId, request.query.month);
    },
  );
}

async function sendStatementCsv(reply: FastifyReply, statement: StatementView): Promise<void> {
  const file = `${statement.walletId}-${statement.month}-statement.csv`;
  await reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file}"`)
    .send(statementCsv(statement));
}
