// The simulator's pages (registered by bin/serve.ts in simulator mode only): the checkout page
// of a session, and its Pay and Cancel actions. Pay marks the session paid and sends the
// signed webhooks (shared/adapters/payments/simulator-webhooks.ts) to our own
// /v1/webhooks/stripe, as Stripe would; Cancel marks it cancelled and nothing else, so the
// top-up stays pending until the local timeout expires it. The routes are public: the
// unguessable session id is the credential, as with Stripe's hosted checkout links.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod/v4';
import { DomainError } from '../../shared/errors/domain-error';
import { withZod } from '../../shared/http/create-http-server';
import { responses } from '../../shared/http/responses';
import { checkoutPage } from './simulator-page';
import { findSession, markCancelled, markPaid, type SimulatorSession } from '../../shared/adapters/payments/simulator-sessions';
import { paidEvents, sendSignedWebhook } from '../../shared/adapters/payments/simulator-webhooks';
import type { SimulatorPayments } from '../../shared/adapters/payments/simulator.payments';

const Params = z.strictObject({ sessionId: z.string().regex(/^cs_sim_[0-9a-f]{1,64}$/) });
const schema = (description: string) => ({
  params: Params,
  tags: ['simulator'],
  description,
  contract: { media: { 200: ['text/html'] } },
  response: responses({ 200: z.string() }, [400, 404, 415, 503]),
});

export function simulatorRoutes(
  payments: SimulatorPayments,
  serverUrl: () => string,
): FastifyPluginAsync {
  return async (scope) => {
    // The page's forms post application/x-www-form-urlencoded with an empty body.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, _body, done) => done(null, null),
    );
    const app = withZod(scope);
    const { pool } = payments;
    app.get('/simulator/checkout/:sessionId', { schema: schema('Simulated checkout page') },
      async (request, reply) =>
        html(reply, await found(findSession(pool, request.params.sessionId))));
    app.post('/simulator/checkout/:sessionId/pay', { schema: schema('Pay: sends the signed webhook') },
      async (request, reply) => {
        const session = await found(markPaid(pool, request.params.sessionId));
        if (session.status !== 'complete') return html(reply, session, 'This session cannot be paid.');
        const now = new Date();
        const webhookUrl = `${serverUrl()}/v1/webhooks/stripe`;
        const statuses: number[] = [];
        for (const event of paidEvents(session, now)) {
          statuses.push(await sendSignedWebhook(webhookUrl, event, payments.webhookSecret, now));
        }
        const delivered = statuses.every((status) => status === 200);
        request.log.info({ sessionId: session.id, statuses }, 'simulator sent webhooks');
        return html(reply, session, delivered ? 'Paid: webhook delivered.' : 'Paid; webhook failed, press Pay again.');
      });
    app.post('/simulator/checkout/:sessionId/cancel', { schema: schema('Cancel: the top-up stays pending') },
      async (request, reply) =>
        html(reply, await found(markCancelled(pool, request.params.sessionId)), 'Cancelled.'));
  };
}

async function found(lookup: Promise<SimulatorSession | null>): Promise<SimulatorSession> {
  const session = await lookup;
  if (!session) throw new DomainError('not_found', 'no such checkout session');
  return session;
}

const html = (reply: FastifyReply, session: SimulatorSession, message = '') =>
  reply.type('text/html; charset=utf-8').send(checkoutPage(session, message));
