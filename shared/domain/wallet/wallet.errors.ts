// The business rejections of the wallet deciders, one factory per situation, each with a
// stable code from shared/errors/codes.ts. Details are safe to show to the caller: they name
// only what the caller sent or owns (never another wallet's balance or plan), and amounts
// are digit strings because problem bodies are JSON.
import { DomainError } from '../../errors/domain-error';
import type { Money } from '../money/money';

const amountDetails = (amount: Money) => ({
  amount: amount.amountMinor.toString(),
  currency: amount.currency,
});

export type LimitName = 'per_transfer' | 'daily_outgoing' | 'active_holds';

export const walletErrors = {
  notFound: (walletId: string) =>
    new DomainError('not_found', `wallet ${walletId} not found`, { walletId }),
  alreadyExists: (walletId: string) =>
    new DomainError('already_exists', `wallet ${walletId} already exists`, { walletId }),
  closed: (walletId: string) =>
    new DomainError('wallet_closed', `wallet ${walletId} is closed`, { walletId }),
  frozen: (walletId: string) =>
    new DomainError('wallet_frozen', `wallet ${walletId} is frozen`, { walletId }),
  notEmpty: (walletId: string) =>
    new DomainError('wallet_not_empty', `wallet ${walletId} still holds funds`, { walletId }),
  sameWallet: (walletId: string) =>
    new DomainError('same_wallet', 'source and target are the same wallet', { walletId }),
  currencyMismatch: (walletId: string, amount: Money) =>
    new DomainError('currency_mismatch', `wallet ${walletId} does not hold ${amount.currency}`, {
      walletId,
      ...amountDetails(amount),
    }),
  limitExceeded: (walletId: string, limit: LimitName, amount: Money) =>
    new DomainError('limit_exceeded', `the ${limit} limit of the plan is exceeded`, {
      walletId,
      limit,
      ...amountDetails(amount),
    }),
  insufficientFunds: (walletId: string, amount: Money) =>
    new DomainError('insufficient_funds', `wallet ${walletId} cannot cover the amount`, {
      walletId,
      ...amountDetails(amount),
    }),
  maxBalanceExceeded: (walletId: string, amount: Money) =>
    new DomainError('max_balance_exceeded', 'the target wallet would exceed its maximum balance', {
      walletId,
      ...amountDetails(amount),
    }),
  holdNotFound: (holdId: string) =>
    new DomainError('not_found', `hold ${holdId} not found`, { holdId }),
  holdNotActive: (holdId: string) =>
    new DomainError('hold_not_active', `hold ${holdId} is not active`, { holdId }),
  amountExceedsHold: (holdId: string, amount: Money) =>
    new DomainError('amount_exceeds_hold', `the amount exceeds hold ${holdId}`, {
      holdId,
      ...amountDetails(amount),
    }),
  invalidExpiry: (expiresInSeconds: number) =>
    new DomainError('invalid_request', 'expiresInSeconds is out of range', { expiresInSeconds }),
} as const;
