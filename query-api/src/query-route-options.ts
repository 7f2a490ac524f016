// What every query route's schema shares: the bearer token, X-Min-Position (503 when the read
// models lag), and the error statuses any query may answer.
import { ALWAYS, AUTHENTICATED } from '../../shared/http/responses';

export const QUERY_ROUTE = {
  security: [{ bearer: [] }], contract: { minPosition: true },
} as const;
export const QUERY_ERRORS = [...ALWAYS, ...AUTHENTICATED] as const;
