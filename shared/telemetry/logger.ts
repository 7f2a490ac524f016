// Structured JSON logs (pino). Secrets never reach a log line: auth headers, cookies,
// passwords and tokens are redacted wherever they appear in a logged object. A line written
// inside a span carries its trace_id and span_id (docs/operations.md, "Traces").
import pino, { type Logger } from 'pino';
import { activeTraceIds } from './tracing';

export type { Logger };

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
];

export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    level: options.level,
    name: options.name ?? 'tng',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
  });
}

const NO_FIELDS = Object.freeze({});

/** The active span's ids; with tracing off, one shared empty object (nothing allocated). */
const traceFields = (): object => activeTraceIds() ?? NO_FIELDS;
