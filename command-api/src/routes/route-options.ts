// Schema options that several command route modules declare alike.
import { ALWAYS, AUTHENTICATED, COMMAND, WITH_BODY } from '../../../shared/http/responses';

/** A bearer token is required (published as the route's security in /docs/json). */
export const SECURED = { security: [{ bearer: [] }] };

/** Routes that move or reserve money: a missing or foreign wallet or hold is 404; rate limited. */
export const MONEY_ERRORS = [
  ...ALWAYS, ...AUTHENTICATED, ...WITH_BODY, ...COMMAND, 404, 429,
] as const;

export const KEY_REQUIRED = { idempotencyKey: 'required', ledgerPosition: true } as const;
export const KEY_ACCEPTED = { idempotencyKey: 'optional', ledgerPosition: true } as const;
