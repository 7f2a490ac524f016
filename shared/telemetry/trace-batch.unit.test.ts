// Goal: with an SDK registered, a batch serving several requests is one span linked to each
// request's trace, and each of those traces gets a child span for its own items; a span
// started for a message joins the message's trace, under the active span when that one is
// already in the same trace (a Kafka receive span); the traceparent stored in event metadata
// names the active span. The traced bus carries the trace from publish to the consumer.
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Bus, BusHandler, BusMessage } from '../ports/bus.port';
import { traceBatch, tracedEvent } from './trace-batch';
import { tracedBus } from './traced-bus';
import { activeTraceparent, inSpan, setTracingEnabled } from './tracing';

const exporter = new InMemorySpanExporter();
const sdk = new NodeSDK({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
  instrumentations: [], metricReaders: [], logRecordProcessors: [], autoDetectResources: false,
});
beforeAll(() => {
  sdk.start();
  setTracingEnabled(true);
});
afterAll(async () => {
  setTracingEnabled(false);
  await sdk.shutdown();
});
beforeEach(() => exporter.reset());

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentA = `00-${TRACE_A}-b7ad6b7169203331-01`;
const parentB = `00-${TRACE_B}-00f067aa0ba902b7-01`;
const event = (type: string, traceparent?: string) =>
  ({ type, metadata: traceparent ? { occurredAt: '', traceparent } : { occurredAt: '' } });

test('a batch is linked to every trace, and each trace gets a span for its items', async () => {
  const events = [event('WalletDebited', parentA), event('WalletCredited', parentA),
    event('WalletCredited', parentB), event('WalletOpened')];
  const result = await traceBatch('tng.project wallets', events, tracedEvent,
    { attributes: { 'tng.subscriber': 'wallets' } }, async () => 'applied');
  expect(result).toBe('applied');
  const spans = exporter.getFinishedSpans();
  const batch = spans.find((span) => span.links.length > 0)!;
  expect(batch.links.map((link) => link.context.traceId).sort()).toEqual([TRACE_A, TRACE_B].sort());
  expect(batch.attributes['tng.items']).toBe(4);
  const inA = spans.filter((span) => span.spanContext().traceId === TRACE_A);
  expect(inA).toHaveLength(1);
  expect(inA[0]).toMatchObject({ name: 'tng.project wallets' });
  expect(inA[0]!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  expect(inA[0]!.attributes).toMatchObject({ 'tng.items': 2,
    'tng.types': ['WalletDebited', 'WalletCredited'] });
  expect(spans.filter((span) => span.spanContext().traceId === TRACE_B)).toHaveLength(1);
});

test('a message span joins its trace, under an active span of the same trace', async () => {
  let receiveId = '';
  await inSpan('kafka receive', async () => {
    receiveId = trace.getActiveSpan()!.spanContext().spanId;
    await inSpan('tng.saga_step notifications', async () => {
      expect(activeTraceparent()).toMatch(new RegExp(`^00-${TRACE_A}-[0-9a-f]{16}-01$`));
    }, { parent: parentA });
    // A message of another trace handled here starts under its own trace's parent.
    await inSpan('tng.saga_step other', async () => undefined, { parent: parentB });
  }, { parent: parentA });
  const byName = new Map(exporter.getFinishedSpans().map((span) => [span.name, span]));
  expect(byName.get('tng.saga_step notifications')!.parentSpanContext?.spanId).toBe(receiveId);
  expect(byName.get('tng.saga_step other')!.spanContext().traceId).toBe(TRACE_B);
  expect(byName.get('tng.saga_step other')!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
});

test('the traced bus links a publish to its messages\' traces and receives in each one', async () => {
  const handlers: BusHandler[] = [];
  const inner: Bus = {
    publish: async () => undefined,
    subscribe: async (_group, _topics, handler) => {
      handlers.push(handler);
      return { stop: async () => undefined };
    },
    close: async () => undefined,
  };
  const bus = tracedBus(inner, 'kafka');
  const message = (traceparent: string): BusMessage => ({ topic: 'transaction-success', key: 'w',
    eventId: 'e', type: 'WalletDebited', payload: {}, headers: { traceparent } });
  await bus.publish([message(parentA), message(parentB)]);
  const seen: Array<string | undefined> = [];
  await bus.subscribe('notifications', ['transaction-success'], async () => {
    seen.push(activeTraceparent());
  });
  await handlers[0]!(message(parentB));
  const spans = exporter.getFinishedSpans();
  const publish = spans.find((span) => span.name === 'kafka publish' && span.links.length > 0);
  const linked = publish?.links.map((link) => link.context.traceId).sort();
  expect(linked).toEqual([TRACE_A, TRACE_B].sort());
  const receive = spans.find((span) => span.name === 'kafka receive transaction-success')!;
  expect(receive.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  expect(seen).toEqual([`00-${TRACE_B}-${receive.spanContext().spanId}-01`]);
});
