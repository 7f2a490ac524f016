// Liveness, readiness and metrics. Ready means: Postgres answers and no migration is pending.
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { pendingMigrations } from '../adapters/postgres/migrate';
import type { Metrics } from '../telemetry/metrics';
import { problem } from './problem';

export async function healthRoutes(
  app: FastifyInstance,
  deps: { pool: Pool; metrics: Metrics },
): Promise<void> {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { hide: true } }, async (request, reply) => {
    try {
      const pending = await pendingMigrations((sql) => deps.pool.query(sql));
      if (pending.length > 0) {
        return reply
          .status(503)
          .header('retry-after', '5')
          .type('application/problem+json')
          .send(problem('unavailable', `migrations pending: ${pending.join(', ')}`));
      }
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply
        .status(503)
        .header('retry-after', '5')
        .type('application/problem+json')
        .send(problem('unavailable', 'database unreachable'));
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
}
