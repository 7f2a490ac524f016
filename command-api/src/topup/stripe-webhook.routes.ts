// POST /v1/webhooks/stripe: no bearer token; Stripe proves itself with `Stripe-Signature`,
// checked over the body's exact bytes, so this route (and only this one) keeps the raw body
// instead of parsing JSON. A bad signature, a stale timestamp or a body that is not the one
// signed (re-serialized, say) is 400 invalid_signature and stores nothing. Every verified
// event is answered 200, duplicates and events we ignore included, so Stripe stops sending
// it; an unreachable database is 503 and Stripe retries later.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod/v4';
import { DomainError } from '../../../shared/errors/domain-error';
import { responses } from '../../../shared/http/responses';
import { webhookTypeLabel } from '../../../shared/telemetry/payment-metrics';
import { STRIPE_WEBHOOK_OUTCOMES } from '../../../shared/telemetry/payment-metrics';
import { handleStripeEvent } from './handle-stripe-event';
import type { PaymentDeps } from './payment-deps';

const WebhookBody = z
  .unknown()
  .describe('Stripe\'s event, as raw JSON bytes: verified as received, never re-serialized');
const ReceivedSchema = z.object({
  received: z.literal(true),
  outcome: z.enum(STRIPE_WEBHOOK_OUTCOMES).describe('what the event did here'),
});

export function stripeWebhookRoutes(deps: PaymentDeps): FastifyPluginAsync {
  return async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    const app = scope.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/v1/webhooks/stripe',
      {
        schema: {
          body: WebhookBody,
          tags: ['webhooks'],
          description: 'Stripe webhooks (Checkout and subscription events), signed with ' +
            'Stripe-Signature over the raw body; 300 s tolerance.',
          headers: z.looseObject({ 'stripe-signature': z.string().optional() }),
          response: responses({ 200: ReceivedSchema }, [400, 413, 415, 503]),
        },
      },
      async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const verified = deps.payments.verifyWebhook(raw, request.headers['stripe-signature'], deps.clock());
        if (!verified.ok) {
          deps.metrics.stripeWebhooks.inc({ type: 'other', outcome: 'invalid_signature' });
          request.log.warn({ reason: verified.reason }, 'Stripe webhook refused');
          throw new DomainError('invalid_signature', 'the Stripe-Signature does not verify this body');
        }
        const { event } = verified;
        const outcome = await handleStripeEvent(deps, event);
        deps.metrics.stripeWebhooks.inc({ type: webhookTypeLabel(event.type), outcome });
        request.log.info({ stripeEventId: event.id, type: event.type, outcome }, 'Stripe webhook');
        return { received: true as const, outcome };
      },
    );
  };
}
