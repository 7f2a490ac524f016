// Money is an integer count of minor units (bigint) plus an ISO 4217 currency. No floating
// point anywhere on a money path. On the wire an amount is a string of decimal digits.
import { z } from 'zod/v4';
import { assert } from '../../errors/assert';

export const MINOR_UNIT_SCALE = { MYR: 2, SGD: 2, USD: 2, JPY: 0 } as const;
export type CurrencyCode = keyof typeof MINOR_UNIT_SCALE;
export const CURRENCY_CODES = Object.keys(MINOR_UNIT_SCALE) as CurrencyCode[];
export const DEFAULT_CURRENCY: CurrencyCode = 'MYR';

export type Money = Readonly<{ currency: CurrencyCode; amountMinor: bigint }>;

/** The largest amount we accept anywhere: fits Postgres bigint with room for sums. */
export const AMOUNT_MINOR_MAX = 10n ** 15n;

export const CurrencySchema = z.enum(['MYR', 'SGD', 'USD', 'JPY']);

/**
 * A positive amount in minor units as a decimal-digit string. No sign, no spaces, no
 * exponent, no leading zeros, no decimals: anything else is refused, never coerced.
 */
export const AmountStringSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'a positive integer of minor units as a string of digits')
  // zod runs every check; guard BigInt() so a malformed string fails cleanly above.
  .refine((digits) => /^[0-9]+$/.test(digits) && BigInt(digits) <= AMOUNT_MINOR_MAX, 'amount too large');

export const money = (currency: CurrencyCode, amountMinor: bigint): Money => {
  assert(amountMinor >= 0n, 'money is never negative; direction is carried by the event');
  return Object.freeze({ currency, amountMinor });
};

export const formatMinor = (amountMinor: bigint): string => amountMinor.toString();

/** Parse a stored amount string (events, rows); throws on anything but digits. */
export const parseMinor = (digits: string): bigint => {
  assert(/^-?[0-9]+$/.test(digits), `not an integer amount: ${digits}`);
  return BigInt(digits);
};
