// The command API: every route that changes the ledger. Public routes (register, login,
// refresh) are registered apart from the rest, which authenticate every request first.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthDeps } from './routes/auth.routes';
import { authRoutes, publicAuthRoutes } from './routes/auth.routes';
import { holdRoutes, moneyRoutes } from './routes/money.routes';
import { walletRoutes } from './routes/wallet.routes';

export type CommandApiDeps = AuthDeps &
  Readonly<{
    authenticate: (request: FastifyRequest) => Promise<void>;
  }>;

export function commandApi(deps: CommandApiDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(publicAuthRoutes(deps));
    await app.register(async (secured) => {
      secured.addHook('preHandler', (request) => deps.authenticate(request));
      await secured.register(authRoutes(deps));
      await secured.register(walletRoutes(deps));
      await secured.register(moneyRoutes(deps));
      await secured.register(holdRoutes(deps));
    });
  };
}
