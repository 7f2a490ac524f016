// The one append-only registry of stable error codes. A code, once shipped, keeps its name
// and meaning; docs/errors.md lists the same codes and a test keeps the two in step.
// Domain code knows nothing of HTTP: command-api and query-api own STATUS_BY_CODE.

export const ERROR_CODES = {
  // 400
  invalid_request: { status: 400, title: 'Invalid request' },
  idempotency_key_required: { status: 400, title: 'Idempotency-Key header required' },
  invalid_signature: { status: 400, title: 'Invalid webhook signature' },
  // 401, 403, 404
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Invalid e-mail or password' },
  refresh_token_reused: { status: 401, title: 'Refresh token reused; session revoked' },
  invalid_token: { status: 401, title: 'Invalid or expired token' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  // 409
  version_conflict: { status: 409, title: 'Concurrent modification; retry' },
  idempotency_key_in_progress: { status: 409, title: 'A request with this key is in progress' },
  email_taken: { status: 409, title: 'E-mail already registered' },
  plan_already_premium: { status: 409, title: 'Already on the PREMIUM plan' },
  // 408, 412, 413, 415, 416, 431
  request_timeout: { status: 408, title: 'Request not received in time' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  range_not_satisfiable: { status: 416, title: 'Range not satisfiable' },
  headers_too_large: { status: 431, title: 'Request headers too large' },
  // 422 business rejections
  insufficient_funds: { status: 422, title: 'Insufficient funds' },
  wallet_frozen: { status: 422, title: 'Wallet is frozen' },
  wallet_closed: { status: 422, title: 'Wallet is closed' },
  currency_mismatch: { status: 422, title: 'Currency mismatch' },
  same_wallet: { status: 422, title: 'Source and target are the same wallet' },
  limit_exceeded: { status: 422, title: 'Plan limit exceeded' },
  hold_not_active: { status: 422, title: 'Hold is not active' },
  amount_exceeds_hold: { status: 422, title: 'Amount exceeds the hold' },
  max_balance_exceeded: { status: 422, title: 'Maximum balance exceeded' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key reused with another request' },
  role_unknown: { status: 422, title: 'Unknown role' },
  // 429, 503, 500
  rate_limited: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
  projection_lagging: { status: 503, title: 'Read models are behind the requested position' },
  internal_error: { status: 500, title: 'Internal server error' },
  // Added for the domain deciders (shared/domain).
  already_exists: { status: 409, title: 'Resource already exists' },
  wallet_not_empty: { status: 422, title: 'Wallet still holds funds' },
  role_not_revocable: { status: 422, title: 'Role cannot be revoked' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const PROBLEMS_URL = 'https://mini-tng.dev/problems';
