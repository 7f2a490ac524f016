// Card top-ups and the premium plan, the command side: POST /v1/wallets/:walletId/top-ups
// (request-top-up.ts) and POST /v1/plan/premium (a subscription Checkout Session whose
// metadata.userId the subscription webhooks read). GET /v1/top-ups/:topUpId is the query API's.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod/v4';
import type { ZodApp } from '../../../shared/http/create-http-server';
import { responses } from '../../../shared/http/responses';
import { AmountSchema, CurrencySchema, WalletIdParams } from '../../../shared/http/schemas';
import { encodePosition } from '../../../shared/ports/event-store.port';
import { commandContext } from '../command-context';
import { sendCommandReply } from '../routes/reply';
import { KEY_ACCEPTED, KEY_REQUIRED, MONEY_ERRORS, SECURED } from '../routes/route-options';
import { DomainError } from '../../../shared/errors/domain-error';
import type { PaymentDeps } from './payment-deps';
import { requestTopUp } from './request-top-up';

const TopUpBody = z.strictObject({ amount: AmountSchema, currency: CurrencySchema });
const CheckoutUrl = z.string().describe('Stripe Checkout (or the simulator) page to pay on');
const TopUpAcceptedSchema = z.object({
  topUpId: z.string(),
  status: z.literal('pending'),
  checkoutUrl: CheckoutUrl,
});
const PremiumCheckoutSchema = z.object({ checkoutUrl: CheckoutUrl });

export function topUpRoutes(deps: PaymentDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    postWalletsWalletIdTopUpsRoute(app, deps);

    postPlanPremiumRoute(app, deps);
  };
}

function postWalletsWalletIdTopUpsRoute(app: ZodApp, deps: PaymentDeps): void {
  app.post(
    '/v1/wallets/:walletId/top-ups',
    {
      schema: {
        params: WalletIdParams,
        body: TopUpBody,
        tags: ['top-ups'],
        description: 'Starts a card top-up; pay on checkoutUrl. The wallet is credited when ' +
          'Stripe confirms the payment (webhook), never from the redirect.',
        ...SECURED,
        contract: KEY_REQUIRED,
        response: responses({ 201: TopUpAcceptedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, true);
      const { body } = request;
      const { walletId } = request.params;
      const topUp = { walletId, amountMinor: BigInt(body.amount), currency: body.currency };
      const result = await requestTopUp(deps, topUp, ctx);
      return sendCommandReply(reply, result);
    },
  );
}

function postPlanPremiumRoute(app: ZodApp, deps: PaymentDeps): void {
  app.post(
    '/v1/plan/premium',
    {
      schema: {
        tags: ['plan'],
        description: 'A subscription checkout for the PREMIUM plan; the plan changes when ' +
          'Stripe\'s subscription webhooks arrive.',
        ...SECURED,
        contract: KEY_ACCEPTED,
        response: responses({ 201: PremiumCheckoutSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, false);
      // A second subscription would charge twice for the same plan.
      const { state: user } = await deps.users.load(ctx.callerId);
      if (user.status === 'registered' && user.plan === 'PREMIUM') {
        deps.metrics.commands.inc({ command: 'premium_checkout', outcome: 'plan_already_premium' });
        throw new DomainError('plan_already_premium', 'you are on the PREMIUM plan already');
      }
      // The key derives from the Idempotency-Key (when sent), so a retry gets the same session.
      const link = await deps.payments.createPremiumCheckout({
        userId: ctx.callerId,
        idempotencyKey: `premium-checkout-${ctx.seed}`,
      });
      deps.metrics.commands.inc({ command: 'premium_checkout', outcome: 'ok' });
      const position = encodePosition(await deps.store.headPosition());
      const body = JSON.stringify({ checkoutUrl: link.url });
      return sendCommandReply(reply, { status: 201, body, position });
    },
  );
}
