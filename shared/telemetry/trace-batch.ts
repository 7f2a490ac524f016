// How a batch of events shows in traces (docs/operations.md, "Traces"). One batch serves many
// commands, so it cannot be a child of each: the batch is a span of its own (its Postgres
// statements are its children) with a link to every command's trace, and each command's
// trace gets a span with the same name covering the batch, for the events that command
// appended. A trace therefore reads: request, decide, append, then the projections and the
// sagas that handled its events, each at the time it did.
import type { Attributes } from '@opentelemetry/api';
import type { RecordedEvent } from '../ports/event-store.port';
import { inSpan, linksTo, recordInTraces, tracingEnabled } from './tracing';

/** Runs `work` for `events` as the batch span `name`; off, just runs it. */
export async function traceBatch<T>(
  name: string,
  events: readonly RecordedEvent[],
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work();
  const startMs = Date.now();
  const links = linksTo(events.map((event) => event.metadata.traceparent));
  const result = await inSpan(name, work, {
    links,
    attributes: { ...attributes, 'tng.events': events.length },
  });
  recordInTraces(name, perTrace(events, attributes), startMs);
  return result;
}

/** One entry per trace context among `events`: how many events of which types it had. */
function perTrace(events: readonly RecordedEvent[], attributes: Attributes) {
  const byTrace = new Map<string, string[]>();
  for (const event of events) {
    const { traceparent } = event.metadata;
    if (!traceparent) continue;
    const types = byTrace.get(traceparent) ?? [];
    types.push(event.type);
    byTrace.set(traceparent, types);
  }
  return [...byTrace].map(([traceparent, types]) => ({
    traceparent,
    attributes: { ...attributes, 'tng.events': types.length, 'tng.event_types': [...new Set(types)] },
  }));
}
