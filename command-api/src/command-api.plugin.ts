// The command API: every route that changes the ledger. Public routes (register, login,
// refresh) are registered apart from the rest, which authenticate every request first.
// Rate limits (when configured): per client IP on the public auth routes, before the body is
// parsed; per user and plan on money routes, after authentication (they key on the principal).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RateLimitHooks } from '../../shared/http/rate-limit';
import type { AuthDeps } from './routes/auth.routes';
import { authRoutes, publicAuthRoutes } from './routes/auth.routes';
import { holdRoutes } from './routes/hold.routes';
import { moneyRoutes } from './routes/money.routes';
import { walletRoutes } from './routes/wallet.routes';

export type CommandApiDeps = AuthDeps &
  Readonly<{
    authenticate: (request: FastifyRequest) => Promise<void>;
    /** Absent when RATE_LIMITS=off. */
    rateLimits?: RateLimitHooks;
  }>;

export function commandApi(deps: CommandApiDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(async (open) => {
      if (deps.rateLimits) open.addHook('onRequest', deps.rateLimits.byClientIp);
      await open.register(publicAuthRoutes(deps));
    });
    await app.register(async (secured) => {
      secured.addHook('preHandler', (request) => deps.authenticate(request));
      // Added after authenticate, so it runs after it: money limits key on the principal.
      if (deps.rateLimits) secured.addHook('preHandler', deps.rateLimits.byUser);
      await secured.register(authRoutes(deps));
      await secured.register(walletRoutes(deps));
      await secured.register(moneyRoutes(deps));
      await secured.register(holdRoutes(deps));
    });
  };
}
