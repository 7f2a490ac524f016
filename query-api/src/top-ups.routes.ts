// GET /v1/top-ups/:topUpId: a card top-up's status from rm_top_ups (the top_ups projection),
// for the owner of its wallet, auditors and admins; anyone else gets 404, as for a missing one.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'slonik';
import { z } from 'zod/v4';
import { DomainError } from '../../shared/errors/domain-error';
import { canReadAnything, principalOf } from '../../shared/http/principal';
import { ALWAYS, AUTHENTICATED, MinorUnitsSchema, responses } from '../../shared/http/responses';
import { IdSchema } from '../../shared/http/schemas';
import type { ReadDatabase } from '../../shared/ports/read-database.port';
import { TopUpsRow } from '../../shared/read-models/top-ups.rows';
import { reads } from './route-read-models';

const TopUpViewSchema = z.object({
  topUpId: z.string(),
  walletId: z.string(),
  amount: MinorUnitsSchema,
  currency: z.string(),
  status: z.enum(['pending', 'completed', 'failed', 'expired']),
});

export function topUpQueryRoutes(deps: { readDatabase: ReadDatabase }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/top-ups/:topUpId',
      {
        // rm_wallets says who owns the top-up's wallet.
        config: reads('top_ups', 'wallets'),
        schema: {
          params: z.strictObject({ topUpId: IdSchema }),
          tags: ['top-ups'],
          security: [{ bearer: [] }],
          contract: { minPosition: true },
          response: responses({ 200: TopUpViewSchema }, [...ALWAYS, ...AUTHENTICATED], [404]),
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const viewer = canReadAnything(principal) ? null : principal.userId;
        const row = await deps.readDatabase.maybeOne(sql.type(TopUpsRow)`
          select t.* from rm_top_ups t
           where t.top_up_id = ${request.params.topUpId}
             and (${viewer}::text is null or exists (
                   select 1 from rm_wallets w
                    where w.wallet_id = t.wallet_id and w.owner_id = ${viewer}))`);
        if (!row) throw new DomainError('not_found', 'no such top-up');
        return {
          topUpId: row.top_up_id,
          walletId: row.wallet_id,
          amount: row.amount.toString(),
          currency: row.currency,
          status: row.status,
        };
      },
    );
  };
}
