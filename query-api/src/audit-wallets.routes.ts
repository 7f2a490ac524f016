// GET /v1/audit/wallets?ownerEmail=|ownerId= (auditors and admins): the wallets of one user,
// with balances, from the read models. Exactly one of the two is given; an e-mail is compared
// as registration stores it (normalised), and an unknown user is a 404.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'slonik';
import { z } from 'zod/v4';
import { DomainError } from '../../shared/errors/domain-error';
import { decodeCursor, page, pageLimit, PageQuerySchema } from '../../shared/http/pagination';
import { principalOf, requireRole } from '../../shared/http/principal';
import { EmailSchema, IdSchema } from '../../shared/http/schemas';
import { ALWAYS, AUTHENTICATED, responses } from '../../shared/http/responses';
import type { ReadDatabase } from '../../shared/ports/read-database.port';
import { UsersRow } from '../../shared/read-models/users.rows';
import { WalletViewSchema } from './query-responses';
import { listWallets } from './wallet-queries';
import { reads } from './route-read-models';

const AuditWalletsQuery = PageQuerySchema.extend({
  ownerEmail: EmailSchema.optional(),
  ownerId: IdSchema.optional(),
});

const AuditWalletsSchema = z.object({
  owner: z.object({ userId: z.string(), email: z.string(), name: z.string() }),
  items: z.array(WalletViewSchema),
  nextCursor: z.string().nullable(),
});

type Owner = { userId: string; email: string; name: string };

export function auditWalletsRoutes(deps: { readDatabase: ReadDatabase }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/v1/audit/wallets',
      {
        config: reads('users', 'wallets'),
        schema: {
          querystring: AuditWalletsQuery,
          response: responses(
            { 200: AuditWalletsSchema },
            ALWAYS,
            AUTHENTICATED,
            [403, 404],
          ),
          tags: ['audit'],
          security: [{ bearer: [] }],
          contract: { minPosition: true },
          description: 'The wallets of one user (give exactly one of ownerEmail and ownerId).',
        },
      },
      async (request) => {
        requireRole(principalOf(request), 'auditor', 'admin');
        const { ownerEmail, ownerId } = request.query;
        if ((ownerEmail === undefined) === (ownerId === undefined)) {
          throw new DomainError('invalid_request', 'give exactly one of ownerEmail and ownerId');
        }
        const owner = await findOwner(deps.readDatabase, ownerEmail, ownerId);
        if (!owner) throw new DomainError('not_found', 'no such user');
        const limit = pageLimit(request.query.limit);
        const after = decodeCursor(request.query.cursor, /^[\w.:-]{1,128}$/);
        const rows = await listWallets(deps.readDatabase, owner.userId, after, limit);
        return { owner, ...page(rows, limit, (row) => row.walletId) };
      },
    );
  };
}

/** The columns of rm_users that name an owner. */
const OwnerRow = UsersRow.pick({ user_id: true, email: true, name: true });

async function findOwner(
  db: ReadDatabase,
  email: string | undefined,
  userId: string | undefined,
): Promise<Owner | null> {
  // EmailSchema has normalised the address already, as register stored it.
  const byEmail = email ?? null;
  const byId = userId ?? null;
  const row = await db.maybeOne(sql.type(OwnerRow)`
    select user_id, email, name from rm_users
     where (${byEmail}::text is null or email = ${byEmail})
       and (${byId}::text is null or user_id = ${byId})
     order by registered_at limit 1`);
  return row ? { userId: row.user_id, email: row.email, name: row.name } : null;
}
