// Refusals in words, from the problem's `code` (docs/errors.md), never a raw status.
export type Problem = Readonly<{
  code?: string;
  detail?: string;
  limit?: string;
  amount?: string;
  currency?: string;
  retryAfterSeconds?: number;
}>;

const WORDS: Readonly<Record<string, string>> = {
  insufficient_funds: 'Not enough money in this wallet for that amount.',
  wallet_frozen: 'This wallet is frozen: it can receive money but not send it.',
  wallet_closed: 'This wallet is closed.',
  currency_mismatch: 'The two wallets hold different currencies.',
  same_wallet: 'You cannot send money to the same wallet.',
  max_balance_exceeded: 'That would take the receiving wallet past its plan\'s maximum balance.',
  hold_not_active: 'This hold is no longer active.',
  amount_exceeds_hold: 'That is more than the hold.',
  invalid_credentials: 'E-mail or password is wrong.',
  email_taken: 'An account with this e-mail already exists.',
  not_found: 'Not found: check the wallet id.',
  forbidden: 'You are not allowed to do that.',
  unauthenticated: 'Please log in again.',
  invalid_token: 'Your session has ended: please log in again.',
  refresh_token_reused: 'Your session has ended: please log in again.',
  plan_already_premium: 'You are already on the Premium plan.',
  unavailable: 'The service is unavailable right now; try again shortly.',
  projection_lagging: 'Still updating; try again in a moment.',
  invalid_request: 'Some of what you entered is not valid.',
  idempotency_key_reused: 'That request was already made with other details.',
  idempotency_key_in_progress: 'That request is still being processed.',
};

const LIMIT_WORDS: Readonly<Record<string, string>> = {
  per_transfer: 'the most you can send at once',
  daily_outgoing: 'the most you can send in a day',
  active_holds: 'the number of holds you can keep at once',
};

export function problemWords(problem: Problem | undefined): string {
  const code = problem?.code;
  if (code === 'limit_exceeded') {
    const which = problem?.limit ? LIMIT_WORDS[problem.limit] ?? problem.limit : 'a limit';
    return `Your plan's limit is reached (${which}). Upgrade to Premium for higher limits.`;
  }
  if (code === 'rate_limited') {
    const wait = problem?.retryAfterSeconds;
    return `Too many requests: wait ${wait ?? 'a few'} seconds and try again.`;
  }
  return (code && WORDS[code]) ?? 'Something went wrong; please try again.';
}
