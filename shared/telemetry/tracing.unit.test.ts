// Goal: with tracing off (no SDK, as when OTEL_EXPORTER_OTLP_ENDPOINT is unset) the helpers
// the request path calls do nothing: no span, no traceparent in event metadata, no trace
// fields on log lines, and the work runs as it would without them.
import { activeTraceIds, activeTraceparent, contextOf, inSpan, tracingEnabled } from './tracing';

test('off, the helpers run the work and add nothing', async () => {
  expect(tracingEnabled()).toBe(false);
  const result = await inSpan('tng.decide', async (span) => {
    expect(span).toBeUndefined();
    expect(activeTraceparent()).toBeUndefined();
    expect(activeTraceIds()).toBeNull();
    return 42;
  }, { parent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  expect(result).toBe(42);
  await expect(inSpan('tng.append', async () => {
    throw new Error('the work failed');
  })).rejects.toThrow('the work failed');
});

test('no traceparent, no context', () => {
  expect(contextOf(undefined)).toBeUndefined();
  expect(contextOf('')).toBeUndefined();
});
