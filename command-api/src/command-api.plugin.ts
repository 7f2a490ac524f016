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
import type { PaymentsPort } from '../../shared/ports/payments.port';
import type { Logger } from '../../shared/telemetry/logger';
import { createPaymentDeps } from './topup/payment-deps';
import { stripeWebhookRoutes } from './topup/stripe-webhook.routes';
import { topUpRoutes } from './topup/top-up.routes';

export type CommandApiDeps = AuthDeps &
  Readonly<{
    authenticate: (request: FastifyRequest) => Promise<void>;
    /** Absent when RATE_LIMITS=off. */
    rateLimits?: RateLimitHooks;
    /** Stripe or the built-in simulator (bin/serve.ts chooses). */
    payments: PaymentsPort;
    logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  }>;

export function commandApi(deps: CommandApiDeps): FastifyPluginAsync {
  return async (app) => {
    const paymentDeps = createPaymentDeps(deps, deps.payments, deps.logger);
    // Stripe signs its webhooks; no token, no per-client limit (Stripe's retries must land).
    await app.register(stripeWebhookRoutes(paymentDeps));
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
      await secured.register(topUpRoutes(paymentDeps));
    });
  };
}
