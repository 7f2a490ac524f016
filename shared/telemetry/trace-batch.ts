// How a batch shows in traces (docs/operations.md, "Traces"). One batch (a projector
// transaction, a saga's step, a Kafka publish) serves many commands, so it cannot be a child
// of each: the batch is a span of its own (its Postgres statements are its children) with a
// link to every command's trace, and each command's trace gets a span of the same name
// covering the batch, for the items of that command. A trace therefore reads: request,
// decide, append, then the projections, the relay and the sagas that handled its events,
// each at the time it did.
import type { Attributes } from '@opentelemetry/api';
import { inSpan, linksTo, recordInTraces, tracingEnabled, type SpanKind } from './tracing';

/** What a batch item says about its trace: its traceparent, and its type for the span. */
export type TracedItem = Readonly<{ traceparent: string | undefined; type: string }>;

/** Runs `work` for `items` as the batch span `name`; off, just runs it. */
export async function traceBatch<T, I>(
  name: string,
  items: readonly I[],
  traced: (item: I) => TracedItem,
  options: Readonly<{ attributes: Attributes; kind?: SpanKind }>,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work();
  const startMs = Date.now();
  const all = items.map(traced);
  const result = await inSpan(name, work, {
    links: linksTo(all.map((item) => item.traceparent)),
    attributes: { ...options.attributes, 'tng.items': all.length },
    ...(options.kind === undefined ? {} : { kind: options.kind }),
  });
  recordInTraces(name, perTrace(all, options.attributes), startMs);
  return result;
}

/** The items of an event batch: their metadata's traceparent. */
export const tracedEvent = (
  event: Readonly<{ type: string; metadata: Readonly<{ traceparent?: string }> }>,
): TracedItem => ({ traceparent: event.metadata.traceparent, type: event.type });

/** One entry per trace context among `items`: how many items of which types it had. */
function perTrace(items: readonly TracedItem[], attributes: Attributes) {
  const byTrace = new Map<string, string[]>();
  for (const { traceparent, type } of items) {
    if (!traceparent) continue;
    const types = byTrace.get(traceparent) ?? [];
    types.push(type);
    byTrace.set(traceparent, types);
  }
  return [...byTrace].map(([traceparent, types]) => ({
    traceparent,
    attributes: { ...attributes, 'tng.items': types.length, 'tng.types': [...new Set(types)] },
  }));
}
