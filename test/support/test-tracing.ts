// Tracing for end-to-end tests: bin/'s SDK with an in-memory exporter in place of OTLP.
// Jest loads modules with a loader of its own, which the instrumentations' require hooks never
// see (`tng serve` loads through Node's): the http module every test file shares is patched
// here as the hook would patch it, and unpatched when tracing stops.
import type { Instrumentation, InstrumentationBase } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../../bin/runtime/tracing';

export function startTestTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  if (!tracing) throw new Error('tracing did not start');
  patchHttpAsTheHookWould(tracing.instrumentations);
  return exporter;
}

function patchHttpAsTheHookWould(instrumentations: readonly Instrumentation[]): void {
  type Patchable = Instrumentation & Pick<InstrumentationBase, 'getModuleDefinitions'>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('node:http') as object;
  for (const instrumentation of instrumentations as readonly Patchable[]) {
    for (const definition of instrumentation.getModuleDefinitions()) {
      if (definition.name !== 'http' || !definition.patch) continue;
      definition.moduleExports = http;
      definition.patch(http);
    }
  }
}

export { stopTracing as stopTestTracing } from '../../bin/runtime/tracing';
