// Response pieces every route shares: the RFC 9457 problem body and `responses()`, which
// declares a route's success bodies and its error statuses. Fastify checks each reply against
// these schemas (see zod-serializer.ts) and /docs/json publishes them (see openapi.ts), so
// the contract a client reads is the one the code answers with.
import { z } from 'zod/v4';
import { ERROR_CODES, type ErrorCode } from '../errors/codes';

const CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** Money in a response: minor units as a string of digits (negative only for balances). */
export const MinorUnitsSchema = z
  .string()
  .regex(/^-?[0-9]+$/)
  .describe('minor units as a decimal string, e.g. "1050" is 10.50');

/**
 * One schema for every error answer. Besides RFC 9457's members it lists the extensions our
 * problems really carry (a rejected movement's id, a retry hint, the subject of a rejection).
 */
export const ProblemSchema = z
  .object({
    type: z.string().describe('a URL naming the problem type; one per `code`'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(CODES).describe('stable snake_case code; docs/errors.md lists them'),
    instance: z.string().optional().describe('the request path'),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('400 invalid_request: the fields that failed the schema'),
    transferId: z
      .string()
      .optional()
      .describe('a rejected transfer: its id, shown as failed in history'),
    paymentId: z
      .string()
      .optional()
      .describe('a rejected payment: its id, shown as failed in history'),
    retryAfterSeconds: z.number().int().optional().describe('also sent as Retry-After'),
    // The subject of a business rejection, as the caller sent or owns it.
    walletId: z.string().optional(),
    holdId: z.string().optional(),
    userId: z.string().optional(),
    role: z.string().optional(),
    limit: z.string().optional().describe('limit_exceeded: which plan limit'),
    amount: MinorUnitsSchema.optional().describe('the amount that was refused'),
    currency: z.string().optional(),
    expiresInSeconds: z.number().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** What each error status means on our routes; the OpenAPI response descriptions. */
export const ERROR_STATUS_MEANING: Readonly<Record<ErrorStatus, string>> = {
  400: 'The request does not match the schema (invalid_request, idempotency_key_required)',
  401: 'No valid bearer token, or wrong credentials',
  403: 'The caller lacks the role this route needs',
  404: 'No such resource, or not the caller\'s',
  409: 'A conflict: retry (version_conflict, idempotency_key_in_progress) or email_taken',
  413: 'Request body over 1 MiB',
  415: 'Request body is not application/json',
  422: 'Business rejection, or Idempotency-Key reused with another request',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is unavailable or read models lag; see Retry-After',
};

// The statuses routes share, named so a route's list reads as what can go wrong with it.
/** Every /v1 route: schema failures, and Postgres (or the read models) unavailable. */
export const ALWAYS = [400, 503] as const;
/** A route behind the bearer token. */
export const AUTHENTICATED = [401] as const;
/** A route that reads a JSON body (it may be too large or not JSON). */
export const WITH_BODY = [413, 415] as const;
/** A command run through runCommand with an Idempotency-Key: conflicts and key reuse. */
export const COMMAND = [409, 422] as const;

type SuccessSchemas = Readonly<Record<number, z.ZodType>>;

/**
 * A route's `response` schema map: its success bodies, and the problem schema on each listed
 * error status (duplicates are fine, so routes can combine the shared lists above).
 */
export function responses<S extends SuccessSchemas, E extends ErrorStatus>(
  success: S,
  ...errorLists: ReadonlyArray<readonly E[]>
): S & Record<E, typeof ProblemSchema> {
  const errors = Object.fromEntries(
    errorLists.flat().map((status) => [status, ProblemSchema] as const),
  );
  return { ...success, ...errors } as unknown as S & Record<E, typeof ProblemSchema>;
}

/** 204 No Content. */
export const NoContent = z.null().describe('No content');

/** A cursor-paginated list: `{ items, nextCursor }`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
