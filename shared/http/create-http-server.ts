// The root Fastify instance that every service plugin is registered on: RFC 9457 errors,
// strict JSON only (no type coercion), 1 MiB bodies, request metrics, OpenAPI at /docs.
// Services add their routes as encapsulated plugins (see registerService).
import Fastify, {
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../telemetry/logger';
import type { Metrics } from '../telemetry/metrics';
import { problem, toProblem } from './problem';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export type HttpServerOptions = { logger: Logger; metrics: Metrics; version: string };

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Per-request access logs cost too much at thousands of requests a second; metrics and
    // error logs carry what operators need.
    logController: new LogController({ disableRequestLogging: true }),
    // Never coerce types or drop unknown fields: money must arrive exactly as sent.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: 'x-request-id',
  });
  installErrorHandling(app);
  installRequestMetrics(app, options.metrics);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Mini TNG API', version: options.version },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  return app;
}

/** Registers a service's routes in their own encapsulated context with the zod compilers. */
export async function registerService(
  app: FastifyInstance,
  plugin: FastifyPluginAsync,
): Promise<void> {
  await app.register(async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    await scope.register(plugin);
  });
}

export const withZod = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error, request.url);
    if (body.status >= 500) request.log.error({ err: error }, 'unhandled error');
    if (body.code === 'rate_limited' && !reply.getHeader('retry-after')) {
      void reply.header('retry-after', '1');
    }
    void reply.status(body.status).type('application/problem+json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type('application/problem+json')
      .send({
        ...problem('not_found', `no route ${request.method} ${request.url}`),
        instance: request.url,
      });
  });
}

function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route template, never the raw URL: ids in labels would explode cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/** A Fastify instance typed by our zod schemas, as route modules receive it. */
export type ZodApp = FastifyInstance<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression,
  FastifyBaseLogger, ZodTypeProvider
>;
