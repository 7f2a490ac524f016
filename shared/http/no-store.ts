// Every /v1 answer carries `Cache-Control: no-store` (docs/api.md): balances, tokens and
// errors are per caller and per moment, and no browser or shared cache may keep them. Set in
// onSend, so error replies (problem+json, 404 of an unknown route) carry it as well.
import type { FastifyInstance } from 'fastify';

export const API_PREFIX = '/v1/';

export function installNoStore(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith(API_PREFIX)) void reply.header('cache-control', 'no-store');
  });
}
