#!/usr/bin/env node
// The `tng` CLI. Loads the TypeScript sources through tsx, so `npm install` is the only step.
require('tsx/cjs');
// Tracing first (when OTEL_EXPORTER_OTLP_ENDPOINT is set): its instrumentations patch pg,
// ioredis and http as they load.
require('./runtime/tracing.ts').startTracing();
require('./tng.ts');
