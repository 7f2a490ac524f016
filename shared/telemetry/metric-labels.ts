// The closed sets every labelled series draws its values from. Metrics create each series
// from these at start (at 0), so a dashboard or an alert sees 0 rather than no series at all
// before the first increment; and a label can only hold a value named here, never an id.
import { ERROR_CODES, type ErrorCode } from '../errors/codes';
import { CURRENCY_CODES } from '../domain/money/money';
import { topUpEventDefinitions } from '../domain/topup/topup.events';
import { userEventDefinitions } from '../domain/user/user.events';
import { walletEventDefinitions } from '../domain/wallet/wallet.events';
import { AUTH_POLICIES, MONEY_ROUTES } from '../http/rate-limit-policies';
import { PROJECTION_NAMES } from '../read-models/read-model-names';
import { SAGA_SUBSCRIBER_NAMES } from '../subscriptions/subscriber-names';

/** Every command the command runner runs (the `command` label of tng_commands_total). */
export const COMMAND_NAMES = [
  'register',
  'grant_role',
  'open_wallet',
  'freeze_wallet',
  'unfreeze_wallet',
  'adjustment',
  'transfer',
  'payment',
  'place_hold',
  'capture_hold',
  'release_hold',
  'top_up',
  'premium_checkout',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Commands run outside the command runner that still meet version conflicts. */
export const BACKGROUND_COMMAND_NAMES = [
  'expire_holds', 'fulfil_top_up', 'expire_top_up', 'change_plan',
] as const;

/**
 * How the command runner decides again (the `mode` label of tng_command_retries_total):
 * `optimistic` without locks (a rejection decided on cached state, a twin took the key),
 * `pessimistic` under the streams' locks in the store, after a version conflict.
 */
export const COMMAND_RETRY_MODES = ['optimistic', 'pessimistic'] as const;
export type CommandRetryMode = (typeof COMMAND_RETRY_MODES)[number];

/** `ok`, or the rejection by its stable code (docs/errors.md): never an HTTP status. */
export type CommandOutcome = 'ok' | ErrorCode;
export const COMMAND_OUTCOMES: readonly CommandOutcome[] = [
  'ok',
  ...(Object.keys(ERROR_CODES) as ErrorCode[]),
];

export const EVENT_TYPES: readonly string[] = [
  ...walletEventDefinitions, ...userEventDefinitions, ...topUpEventDefinitions,
]
  .map((definition) => definition.type);

/** Route templates a rate limit applies to (the `route` label of tng_rate_limited_total). */
export const RATE_LIMITED_ROUTES: readonly string[] = [
  ...AUTH_POLICIES.keys(),
  ...[...MONEY_ROUTES].map((route) => route.slice(route.indexOf(' ') + 1)),
];

export { CURRENCY_CODES, PROJECTION_NAMES, SAGA_SUBSCRIBER_NAMES };
