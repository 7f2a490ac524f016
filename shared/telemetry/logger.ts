// Structured JSON logs (pino). Secrets never reach a log line: auth headers, cookies,
// passwords and tokens are redacted wherever they appear in a logged object. A line written
// inside a span carries its trace_id and span_id (docs/operations.md, "Traces").
import pino, { type Logger } from 'pino';
import { activeTraceIds } from './tracing';

export type { Logger };

/** Field names that hold a secret or card data, wherever a logged object nests them. */
const SECRET_FIELDS = [
  'password', 'passwordHash', 'accessToken', 'refreshToken', 'token', 'secret',
  'cardNumber', 'card', 'cvc', 'cvv',
];
/** Headers that carry credentials or signatures, on a request or a response. */
const SECRET_HEADERS = ['authorization', 'cookie', '["set-cookie"]', '["stripe-signature"]'];

// pino's paths match one level per `*`: top level, and two levels down (`{ req: { body } }`).
export const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...SECRET_HEADERS.flatMap((header) => {
    const path = header.startsWith('[') ? header : `.${header}`;
    return [`headers${path}`, `*.headers${path}`];
  }),
];

/** `destination`: where lines go (stdout by default; a test captures them). */
export function createLogger(options: {
  level: string;
  name?: string;
  destination?: pino.DestinationStream;
}): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    name: options.name ?? 'tng',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
    // pino's default merge assigns the line's fields into the mixin's object: the shared
    // empty one must stay empty, so a line without a span keeps its own object.
    mixinMergeStrategy: (fields: object, mixin: object) =>
      (mixin === NO_FIELDS ? fields : Object.assign(mixin, fields)),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

const NO_FIELDS = Object.freeze({});

/** The active span's ids; with tracing off, one shared empty object (nothing allocated). */
const traceFields = (): object => activeTraceIds() ?? NO_FIELDS;
