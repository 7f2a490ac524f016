// Every /v1 answer carries `Cache-Control: no-store` (docs/api.md): balances, tokens and
// errors are per caller and per moment, and no browser or shared cache may keep them. Set in
// onSend, so error replies (problem+json, 404 of an unknown route) carry it as well; the
// router's own refusals (an undecodable URL) skip the hooks, so the problem sender marks
// them itself through `markNoStore`.
import type { FastifyInstance, FastifyReply } from 'fastify';

export const API_PREFIX = '/v1/';

export function markNoStore(url: string, reply: FastifyReply): void {
  if (url.startsWith(API_PREFIX)) void reply.header('cache-control', 'no-store');
}

export function installNoStore(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => markNoStore(request.url, reply));
}
