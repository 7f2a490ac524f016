// Our own spans (decide, append, project, saga step, send mail) and the W3C trace context
// carried in event metadata and message headers (docs/operations.md, "Traces"). Services see
// only this file and @opentelemetry/api; the SDK, its exporter and the library
// instrumentations are chosen in bin/ (bin/runtime/tracing.ts), and only when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Until bin/ says tracing is on, every helper here returns
// at once without touching the OpenTelemetry API, so the request path pays one boolean test
// and allocates nothing (docs/performance.md).
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

export { SpanKind };

const TRACER_NAME = 'mini-tng';

let on = false;

/** Called by bin/ once an SDK is registered (and by tests that register one). */
export function setTracingEnabled(enabled: boolean): void {
  on = enabled;
}

/** Whether spans are recorded: callers on the hot path test this before making a closure. */
export const tracingEnabled = (): boolean => on;

const tracer = () => trace.getTracer(TRACER_NAME);

type Carrier = Record<string, string>;
const getter = {
  keys: (carrier: Carrier) => Object.keys(carrier),
  get: (carrier: Carrier, key: string) => carrier[key],
};

/** The context a `traceparent` (from an event's metadata or a message header) names. */
export function contextOf(traceparent: string | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent }, getter);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** The active span's `traceparent`, to store in event metadata; undefined when off. */
export function activeTraceparent(): string | undefined {
  if (!on) return undefined;
  return traceparentOf(context.active());
}

function traceparentOf(from: Context): string | undefined {
  if (!trace.getSpanContext(from)) return undefined;
  const carrier: Carrier = {};
  propagation.inject(from, carrier);
  return carrier['traceparent'];
}

export type SpanOptions = Readonly<{
  attributes?: Attributes;
  kind?: SpanKind;
  /** A parent other than the active span: the trace this work belongs to. */
  parent?: string | undefined;
  links?: readonly Link[];
}>;

/**
 * Runs `work` in a span named `name` (its child spans, logs and appended events join it),
 * ending it when `work` settles; a throw marks it as an error. Off: just runs `work`.
 */
export async function inSpan<T>(
  name: string,
  work: (span: Span | undefined) => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  if (!on) return work(undefined);
  const parent = parentOf(options.parent);
  const span = tracer().startSpan(name, {
    kind: options.kind ?? SpanKind.INTERNAL,
    ...(options.attributes ? { attributes: options.attributes } : {}),
    ...(options.links ? { links: [...options.links] } : {}),
  }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * The context to start a span in: the active one when it already belongs to `traceparent`'s
 * trace (a Kafka consumer's receive span around a saga's step), else `traceparent`'s, else
 * the active one.
 */
function parentOf(traceparent: string | undefined): Context {
  const active = context.active();
  const named = contextOf(traceparent);
  if (!named) return active;
  const activeTrace = trace.getSpanContext(active)?.traceId;
  return activeTrace === trace.getSpanContext(named)?.traceId ? active : named;
}

/** A link to each distinct trace context among `traceparents` (a batch of many commands). */
export function linksTo(traceparents: Iterable<string | undefined>): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const traceparent of traceparents) {
    if (!traceparent || seen.has(traceparent)) continue;
    seen.add(traceparent);
    const spanContext = trace.getSpanContext(contextOf(traceparent) ?? ROOT_CONTEXT);
    if (spanContext) links.push({ context: spanContext });
  }
  return links;
}

/**
 * Records, inside the trace of each `traceparent` that has one, a span `name` from `startMs`
 * to now: how a batch that served many commands (a projector transaction) shows in each
 * command's own trace. Off: nothing.
 */
export function recordInTraces(
  name: string,
  items: Iterable<Readonly<{ traceparent: string | undefined; attributes: Attributes }>>,
  startMs: number,
): void {
  if (!on) return;
  for (const item of items) {
    const parent = contextOf(item.traceparent);
    if (!parent) continue;
    tracer().startSpan(name, { attributes: item.attributes, startTime: startMs }, parent).end();
  }
}

/** Active trace and span ids for a log line, or null when no span is recording. */
export function activeTraceIds(): Readonly<{ trace_id: string; span_id: string }> | null {
  if (!on) return null;
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext) return null;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** Names the active (HTTP server) span after the route template, once routing chose one. */
export function nameActiveSpan(name: string, attributes: Attributes): void {
  if (!on) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(name);
  span.setAttributes(attributes);
}
