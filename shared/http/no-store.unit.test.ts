// Goal: every /v1 answer of the HTTP server says Cache-Control: no-store, whatever produced
// it (a handler, a schema or body-parser refusal, the router's refusal of an undecodable URL,
// an unknown route); other paths are left alone. Also: TRUST_PROXY's forms reach request.ip.
import type { FastifyInstance } from 'fastify';
import type { TrustProxy } from '../config/load-config';
import { createLogger } from '../telemetry/logger';
import { createMetrics } from '../telemetry/metrics';
import { createHttpServer } from './create-http-server';

async function serverWith(trustProxy: TrustProxy = false): Promise<FastifyInstance> {
  const logger = createLogger({ level: 'silent' });
  const app = await createHttpServer({ logger, metrics: createMetrics(), version: 't', trustProxy });
  app.post('/v1/things', async () => ({ ok: true }));
  app.get('/v1/ip', async (request) => ({ ip: request.ip }));
  app.get('/elsewhere', async () => ({ ok: true }));
  return app;
}

const json = { 'content-type': 'application/json' };

test('every /v1 answer, errors included, carries Cache-Control: no-store', async () => {
  const app = await serverWith();
  const replies = await Promise.all([
    app.inject({ method: 'POST', url: '/v1/things', payload: '{}', headers: json }),
    app.inject({ method: 'POST', url: '/v1/things', payload: '{bad', headers: json }),
    app.inject({ method: 'POST', url: '/v1/things', payload: 'x'.repeat(2 ** 21), headers: json }),
    app.inject({ method: 'POST', url: '/v1/things', payload: 'hi', headers: { 'content-type': 'text/plain' } }),
    app.inject({ method: 'GET', url: '/v1/%zz' }),
    app.inject({ method: 'GET', url: '/v1/no-such-route' }),
  ]);
  expect(replies.map((reply) => reply.statusCode)).toEqual([200, 400, 413, 415, 400, 404]);
  expect(replies.map((reply) => reply.headers['cache-control']))
    .toEqual(replies.map(() => 'no-store'));
  const elsewhere = await app.inject({ method: 'GET', url: '/elsewhere' });
  expect(elsewhere.headers['cache-control']).toBeUndefined();
  await app.close();
});

test.each<[TrustProxy, string]>([
  [false, '127.0.0.1'],
  [true, '1.2.3.4'],
  [1, '5.6.7.8'],
  [2, '1.2.3.4'],
  [['127.0.0.1'], '5.6.7.8'],
  [['10.0.0.0/8'], '127.0.0.1'],
])('TRUST_PROXY %p: the client is %p', async (trustProxy, client) => {
  const app = await serverWith(trustProxy);
  const reply = await app.inject({
    method: 'GET', url: '/v1/ip', headers: { 'x-forwarded-for': '1.2.3.4, 5.6.7.8' },
  });
  expect(reply.json()).toEqual({ ip: client });
  await app.close();
});
