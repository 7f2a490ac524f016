// Turns each route's zod schemas into its OpenAPI operation (the /docs/json document), adding
// what zod alone cannot say: problem+json as the media type of error answers, the
// Idempotency-Key and X-Min-Position request headers, and the X-Ledger-Position and
// Retry-After response headers. Routes state those facts in `schema.contract`, which only this
// transform reads; Fastify neither validates nor sees it.
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ERROR_STATUS_MEANING, type ErrorStatus } from './responses';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency-key';

export type RouteContract = Readonly<{
  /** Idempotency-Key: `required` (400 idempotency_key_required without it) or accepted. */
  idempotencyKey?: 'required' | 'optional';
  /** A query that honours X-Min-Position (read-your-writes). */
  minPosition?: boolean;
  /** A command whose successful answers carry X-Ledger-Position. */
  ledgerPosition?: boolean;
  /** Media types of a status when not (only) JSON, e.g. `{ 200: ['text/plain'] }`. */
  media?: Readonly<Record<number, readonly string[]>>;
}>;

declare module 'fastify' {
  interface FastifySchema {
    /** OpenAPI-only facts about the route, read by shared/http/openapi.ts. */
    contract?: RouteContract;
  }
}

type Json = Record<string, unknown>;

// Response headers in @fastify/swagger's form (a schema with a description); `required` is
// moved onto the header object by openApiTransformObject.
const LEDGER_POSITION = {
  type: 'string',
  description: 'The commit\'s ledger position: send it as X-Min-Position to read this write',
};
const RETRY_AFTER = { type: 'string', description: 'Seconds to wait before retrying' };

const IDEMPOTENCY_KEY = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: IDEMPOTENCY_KEY_PATTERN.source,
  description:
    'Makes the request safe to retry: the same key and body get the stored response again ' +
    '(same status, same bytes); the same key with another body is 422 idempotency_key_reused.',
};
const MIN_POSITION = {
  type: 'string',
  description:
    'A command\'s X-Ledger-Position: answer only once the read models include it (waiting ' +
    'up to 5 s, then 503 projection_lagging).',
};

export const openApiTransform: SwaggerTransform = (input) => {
  const { contract = {}, ...schema } = input.schema ?? {};
  const base = jsonSchemaTransform({ ...input, schema } as Parameters<
    typeof jsonSchemaTransform
  >[0]) as { schema: Json; url: string };
  if (!input.schema || base.schema.hide) return base;
  const operation: Json = { ...base.schema };
  const headers = requestHeaders(contract);
  if (headers) operation.headers = headers;
  const response = operation.response as Record<string, Json> | undefined;
  if (response) operation.response = describeResponses(response, contract);
  return { schema: operation, url: base.url };
};

function requestHeaders(contract: RouteContract): Json | null {
  const properties: Json = {};
  const required: string[] = [];
  if (contract.idempotencyKey) {
    properties['idempotency-key'] = IDEMPOTENCY_KEY;
    if (contract.idempotencyKey === 'required') required.push('idempotency-key');
  }
  if (contract.minPosition) properties['x-min-position'] = MIN_POSITION;
  if (Object.keys(properties).length === 0) return null;
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

function describeResponses(
  response: Record<string, Json>,
  contract: RouteContract,
): Record<string, Json> {
  const described: Record<string, Json> = {};
  for (const [code, schema] of Object.entries(response)) {
    const status = Number(code);
    if (schema.type === 'null' || schema.nullable === true) {
      described[code] = { type: 'null', description: 'No content' };
    } else if (status >= 400) {
      described[code] = problemResponse(status as ErrorStatus, schema, contract);
    } else {
      described[code] = successResponse(status, schema, contract);
    }
  }
  return described;
}

function successResponse(status: number, schema: Json, contract: RouteContract): Json {
  const media = contract.media?.[status] ?? ['application/json'];
  return {
    description: status === 201 ? 'Created' : 'OK',
    content: Object.fromEntries(media.map((type) => [type, { schema: bodyOf(type, schema) }])),
    ...(contract.ledgerPosition
      ? { headers: { 'x-ledger-position': { ...LEDGER_POSITION, required: true } } }
      : {}),
  };
}

function problemResponse(status: ErrorStatus, schema: Json, contract: RouteContract): Json {
  const headers: Json = {};
  if (status === 429 || status === 503) headers['retry-after'] = { ...RETRY_AFTER, required: true };
  // A business rejection that is recorded (a failed transfer) has a position too.
  if (status === 422 && contract.ledgerPosition) headers['x-ledger-position'] = LEDGER_POSITION;
  return {
    description: ERROR_STATUS_MEANING[status] ?? 'Error',
    content: { 'application/problem+json': { schema } },
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
}

const bodyOf = (mediaType: string, schema: Json): Json =>
  mediaType.includes('json') ? schema : { type: 'string' };

/** Adds the shared schemas (Problem) as components and marks required response headers. */
export const openApiTransformObject: SwaggerTransformObject = (input) => {
  const document = jsonSchemaTransformObject(
    input as Parameters<typeof jsonSchemaTransformObject>[0],
  ) as { paths?: Record<string, Record<string, { responses?: Record<string, Json> }>> };
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const answer of Object.values(operation.responses ?? {})) {
        const headers = (answer.headers ?? {}) as Record<string, { schema: Json } & Json>;
        for (const header of Object.values(headers)) {
          if (header.schema.required !== true) continue;
          delete header.schema.required;
          header.required = true;
        }
      }
    }
  }
  dropUnusedInputSchemas(document as { components?: { schemas?: Json } });
  return document as ReturnType<SwaggerTransformObject>;
};

/** The zod registry's input twins (e.g. ProblemInput) that no operation refers to. */
function dropUnusedInputSchemas(document: { components?: { schemas?: Json } }): void {
  const schemas = document.components?.schemas;
  if (!schemas) return;
  const text = JSON.stringify(document);
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && !text.includes(`"#/components/schemas/${name}"`)) {
      delete schemas[name];
    }
  }
}
