// Request-schema pieces shared by the APIs. Strict objects everywhere: unknown fields are
// refused, nothing is coerced, and money arrives only as a string of digits.
import { z } from 'zod/v4';
import { AmountStringSchema, CurrencySchema } from '../domain/money/money';

/** Ids in paths and bodies: the domain's id alphabet, so a bad id is a 400, not a 500. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'an id');

export const AmountSchema = AmountStringSchema;
export { CurrencySchema };
export const NoteSchema = z.string().max(500);
export const ReasonSchema = z.string().min(1).max(500);
export const WalletIdParams = z.strictObject({ walletId: IdSchema });
export const HoldIdParams = z.strictObject({ holdId: IdSchema });
