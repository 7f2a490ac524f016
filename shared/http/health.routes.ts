// Liveness, readiness and metrics. Ready means: Postgres answers and no migration is pending.
// /metrics asks for `Authorization: Bearer <METRICS_TOKEN>` when one is configured
// (docs/operations.md); without one it is open and belongs on a private address.
// Registered with the zod compilers like the services, so /docs/json describes them too.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod/v4';
import { pendingMigrations } from '../adapters/postgres/migrate';
import type { Metrics } from '../telemetry/metrics';
import { registerService, withZod } from './create-http-server';
import { problem } from './problem';
import { responses } from './responses';

const tags = ['operations'];

export type HealthRoutesDeps = Readonly<{
  pool: Pool;
  metrics: Metrics;
  config: Readonly<{ METRICS_TOKEN?: string | undefined }>;
  /** The exposition text, when the process has more than `metrics` (a background thread). */
  metricsText?: () => Promise<string>;
}>;

export async function healthRoutes(root: FastifyInstance, deps: HealthRoutesDeps): Promise<void> {
  await registerService(root, async (scope) => {
    const app = withZod(scope);
    app.get(
      '/health/live',
      { schema: { tags, response: { 200: z.object({ status: z.literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/health/ready',
      {
        schema: {
          tags,
          response: responses({ 200: z.object({ status: z.literal('ready') }) }, [503]),
        },
      },
      async (request, reply) => {
        try {
          const pending = await pendingMigrations((sql) => deps.pool.query(sql));
          if (pending.length > 0) {
            return reply
              .status(503)
              .header('retry-after', '5')
              .type('application/problem+json')
              .send(problem('unavailable', `migrations pending: ${pending.join(', ')}`));
          }
          return { status: 'ready' as const };
        } catch (error) {
          request.log.warn({ err: error }, 'readiness check failed');
          return reply
            .status(503)
            .header('retry-after', '5')
            .type('application/problem+json')
            .send(problem('unavailable', 'database unreachable'));
        }
      },
    );
    const metricsToken = deps.config.METRICS_TOKEN;
    app.get(
      '/metrics',
      {
        schema: {
          tags,
          description: 'Prometheus text exposition format',
          contract: { media: { 200: ['text/plain'] } },
          // 401 when METRICS_TOKEN is set and the request does not carry it as a bearer token.
          response: responses({ 200: z.string() }, [401]),
        },
      },
      async (request, reply) => {
        if (metricsToken !== undefined && !hasBearer(request, metricsToken)) {
          return refuseMetrics(request, reply);
        }
        const text = await (deps.metricsText?.() ?? deps.metrics.registry.metrics());
        return reply.type(deps.metrics.registry.contentType).send(text);
      },
    );
  });
}

/** Compares digests, so neither the token's length nor its bytes show in the timing. */
function hasBearer(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const presented = /^Bearer (\S+)$/i.exec(header.trim())?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

function refuseMetrics(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply
    .status(401)
    .header('www-authenticate', 'Bearer realm="metrics"')
    .type('application/problem+json')
    .send({
      ...problem('unauthenticated', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>'),
      instance: request.url,
    });
}
