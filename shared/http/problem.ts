// RFC 9457 problem details. Every error a client can see is one of the registry's codes;
// an unknown error is a 500 whose message is never echoed (it may leak internals).
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, PROBLEMS_URL, type ErrorCode } from '../errors/codes';
import { DomainError, InfraError } from '../errors/domain-error';
import { isDependencyUnavailable } from '../errors/unavailable';

export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ErrorCode;
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
};

/** A problem body; with a detail (every answer but a 500 has one) it types as such. */
export function problem(code: ErrorCode): ProblemDetails;
export function problem(
  code: ErrorCode,
  detail: string,
  extra?: Record<string, unknown>,
): ProblemDetails & { detail: string };
export function problem(
  code: ErrorCode,
  detail?: string,
  extra?: Record<string, unknown>,
): ProblemDetails;
export function problem(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}) {
  const { status, title } = ERROR_CODES[code];
  const body: ProblemDetails = { type: `${PROBLEMS_URL}/${code}`, title, status, code, ...extra };
  if (detail !== undefined) body.detail = detail;
  return body;
}

/**
 * A business rejection as the client sees it: its code, message and safe details. The error
 * handler answers a thrown DomainError with it; the command runner stores a recorded one.
 */
export function rejectionProblem(error: DomainError): ProblemDetails & { detail: string } {
  return problem(error.code, error.message, error.details);
}

/** Fastify's own error codes for malformed requests, mapped onto ours. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
  // From the router: a URL that does not decode, a path parameter too long to be an id.
  FST_ERR_BAD_URL: 'invalid_request',
  FST_ERR_MAX_PARAM_LENGTH: 'invalid_request',
  FST_ERR_RATE_LIMIT: 'rate_limited',
};

export function toProblem(error: unknown, instance: string): ProblemDetails {
  if (error instanceof DomainError) return { ...rejectionProblem(error), instance };
  // Postgres unreachable (wrapped by the event store, or raw from a read), or another
  // dependency failure worth a retry: 503 with Retry-After, and its message stays in the log.
  if (error instanceof InfraError || isDependencyUnavailable(error)) {
    return { ...problem('unavailable', 'a dependency is unavailable; retry later'), instance };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: `${error.validationContext ?? 'body'}${issue.instancePath || ''}`,
      message: issue.message ?? 'invalid',
    }));
    return {
      ...problem('invalid_request', 'the request does not match the schema'),
      errors,
      instance,
    };
  }
  const fastifyCode = (error as { code?: unknown }).code;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    const message = (error as Error).message;
    return { ...problem(FASTIFY_CODES[fastifyCode]!, message), instance };
  }
  const refusal = clientErrorStatus(error);
  if (refusal !== undefined) return { ...clientProblem(refusal, error), instance };
  return { ...problem('internal_error'), instance };
}

/** Our code for each client-error status that Fastify or a plugin answers with. */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/**
 * The 4xx status of a refusal by Fastify or a plugin (a JSON body that fails to parse,
 * @fastify/static refusing a path, a precondition or a range under /docs): the client's
 * mistake keeps its status. Fastify marks its errors with FST_ codes, http-errors (behind
 * @fastify/static) with `expose`; body parsers set statusCode 400. Anything else, say an
 * upstream API's 4xx, is our fault: a 500.
 */
function clientErrorStatus(error: unknown): number | undefined {
  const { statusCode, code, expose } = (error ?? {}) as Record<string, unknown>;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode > 499) return undefined;
  const fromFramework =
    (typeof code === 'string' && code.startsWith('FST_')) || expose === true;
  return fromFramework || statusCode === 400 ? statusCode : undefined;
}

function clientProblem(status: number, error: unknown): ProblemDetails {
  // Refusals' messages are written for clients ("Range Not Satisfiable"), safe to echo.
  const detail = error instanceof Error && error.message ? error.message : `refused (${status})`;
  const code = CODE_BY_STATUS[status];
  if (code !== undefined) return problem(code, detail);
  // A status without a code of its own (none is known to occur): kept, as a refused request.
  return { ...problem('invalid_request', detail), status };
}
