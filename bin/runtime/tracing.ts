// Tracing's composition root: the OpenTelemetry Node SDK with the HTTP, Postgres and Redis
// instrumentations, started before those libraries load, and only when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) is set (docs/operations.md,
// "Traces"). Unset, nothing here is loaded and @opentelemetry/api stays its no-op self, so
// requests pay nothing for tracing.
// The exporter follows the standard OTEL_* variables (OTLP over HTTP by default;
// OTEL_TRACES_EXPORTER=console prints spans instead). Only traces: the SDK's own metrics and
// log export stay off, since /metrics and pino cover those.
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setTracingEnabled } from '../../shared/telemetry/tracing';

/** Routes whose requests get no span: scrapes and probes would drown the real traffic. */
const UNTRACED_PATHS = ['/metrics', '/health/live', '/health/ready'];

export type Tracing = Readonly<{
  /** The library instrumentations in use (a test under jest patches them: no require hook runs). */
  instrumentations: readonly Instrumentation[];
  shutdown(): Promise<void>;
}>;

let started: Tracing | null = null;

/** OTEL_EXPORTER_OTLP_ENDPOINT, or an explicit OTEL_TRACES_EXPORTER (`console`), turns it on. */
export const tracingConfigured = (env: NodeJS.ProcessEnv): boolean =>
  Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'])
  || (Boolean(env['OTEL_TRACES_EXPORTER']) && env['OTEL_TRACES_EXPORTER'] !== 'none');

/**
 * Starts the SDK once per thread: from the environment, or with `spanProcessors` (tests give
 * an in-memory exporter's). Returns null when tracing is not configured.
 */
export function startTracing(options: Readonly<{
  env?: NodeJS.ProcessEnv;
  spanProcessors?: SpanProcessor[];
  serviceName?: string;
}> = {}): Tracing | null {
  if (started) return started;
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingConfigured(env)) return null;
  // Loaded only now: the SDK and its instrumentations cost start-up time.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) =>
        UNTRACED_PATHS.includes((request.url ?? '').split('?')[0] ?? ''),
      // Outgoing calls (Stripe, the LLM) are traced only inside a request or a saga step.
      requireParentforOutgoingSpans: true,
    }),
    // Statements only (never their parameters), and only inside a traced step: the
    // projector's and sagas' idle polling would otherwise make a trace per query.
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
  const sdk = new NodeSDK({
    ...(env['OTEL_SERVICE_NAME'] ? {} : { serviceName: options.serviceName ?? 'mini-tng' }),
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();
  setTracingEnabled(true);
  started = {
    instrumentations,
    shutdown: async () => {
      setTracingEnabled(false);
      started = null;
      // The patches stay on the shared modules otherwise (a test process starts again).
      for (const instrumentation of instrumentations) instrumentation.disable();
      await sdk.shutdown();
    },
  };
  return started;
}

/** Exports the spans still buffered and stops the SDK, if one was started. */
export async function stopTracing(): Promise<void> {
  await started?.shutdown();
}
