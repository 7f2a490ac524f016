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
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TrustProxy } from '../config/load-config';
import type { Logger } from '../telemetry/logger';
import { nameActiveSpan, tracingEnabled } from '../telemetry/tracing';
import type { Metrics } from '../telemetry/metrics';
import { answerClientError } from './client-error';
import { closeUnusedConnectionsOnClose } from './unused-connections';
import { installNoStore, markNoStore } from './no-store';
import { openApiTransform, openApiTransformObject } from './openapi';
import { problem, toProblem } from './problem';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { replySerializerCompiler, type ReplyChecks } from './zod-serializer';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export type HttpServerOptions = {
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** Which proxies' X-Forwarded-For names the client (request.ip); default none. */
  trustProxy?: TrustProxy;
  /**
   * `checked` (the default) checks every reply against its zod schema and proves the fast
   * serializer kept it whole; production passes `fast` (see zod-serializer.ts).
   */
  replyChecks?: ReplyChecks;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The serializer of routes with zod response schemas (set by createHttpServer). */
    zodReplySerializer: ReturnType<typeof replySerializerCompiler>;
  }
}

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
    // A client's X-Request-Id is recorded in every event's metadata and log line: only a
    // short token is taken, anything else gets an id of our own (docs/api.md).
    requestIdHeader: false,
    genReqId: requestIdOf,
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    // Router-level refusals (an undecodable URL, a path parameter over maxParamLength) would
    // otherwise answer with Fastify's own JSON body, not problem+json.
    frameworkErrors: (error, request, reply) => sendProblem(error, request, reply),
    clientErrorHandler: answerClientError,
  });
  // JSON only: Fastify's default text/plain parser would let a text body reach the schema
  // (a 400) where docs/api.md promises 415 for any other media type.
  app.removeContentTypeParser('text/plain');
  app.decorate('zodReplySerializer', replySerializerCompiler(options.replyChecks ?? 'checked'));
  installErrorHandling(app);
  installNoStore(app);
  closeUnusedConnectionsOnClose(app);
  // A callback hook, not an async one: it runs on every request, so it should cost nothing.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  installRequestMetrics(app, options.metrics);
  if (tracingEnabled()) installSpanNames(app);
  // Security headers on every answer. The API serves JSON only (and the docs page), so a
  // content security policy would only get in the way of the OpenAPI UI's inline assets.
  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Mini TNG API', version: options.version },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    // Every route's success and error answers, headers and security (see openapi.ts).
    transform: openApiTransform,
    transformObject: openApiTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  return app;
}

/**
 * TRUST_PROXY as Fastify takes it. A number of hops becomes a function trusting the first
 * that many hops from the socket: Fastify 5 reads a bare number as "trust nothing".
 */
function fastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address: string, hop: number) => hop < trust;
}

/**
 * Registers a service's routes in their own encapsulated context with the zod compilers. A
 * route without a response schema for a success status is refused when it is registered: its
 * replies would skip the contract check and /docs/json would not describe them.
 */
export async function registerService(
  app: FastifyInstance,
  plugin: FastifyPluginAsync,
): Promise<void> {
  await app.register(async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(scope.zodReplySerializer);
    scope.addHook('onRoute', (route) => {
      const statuses = Object.keys(route.schema?.response ?? {});
      if (!statuses.some((status) => status.startsWith('2'))) {
        const method = [route.method].flat().join(',');
        throw new Error(`${method} ${route.url}: no response schema for its success status`);
      }
    });
    await scope.register(plugin);
  });
}

export const withZod = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  // Router refusals never run the onRequest hooks: the id is echoed here too.
  void reply.header(REQUEST_ID_HEADER, request.id);
  const body = toProblem(error, request.url);
  // An unreachable database is an outage, not a bug: one warning per request, no alarm bell.
  if (body.code === 'unavailable') request.log.warn({ err: error }, 'dependency unavailable');
  else if (body.status >= 500) request.log.error({ err: error }, 'unhandled error');
  // docs/api.md: 429 and 503 answers say when to come back (e.g. projection_lagging's hint).
  if ((body.status === 429 || body.status === 503) && !reply.getHeader('retry-after')) {
    const hint = body.retryAfterSeconds;
    void reply.header('retry-after', typeof hint === 'number' ? String(hint) : '1');
  }
  markNoStore(request.url, reply);
  void reply.status(body.status).type('application/problem+json').send(body);
}

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(sendProblem);
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

/**
 * Names the HTTP server span (the http instrumentation's, docs/operations.md "Traces") after
 * the route template, as the metrics do, and tags it with the request id. Installed only when
 * tracing is on, so an untraced server has no hook to run.
 */
function installSpanNames(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route) {
      nameActiveSpan(`${request.method} ${route}`, { 'http.route': route, 'tng.request_id': request.id });
    }
    done();
  });
}

/** A Fastify instance typed by our zod schemas, as route modules receive it. */
export type ZodApp = FastifyInstance<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression,
  FastifyBaseLogger, ZodTypeProvider
>;
