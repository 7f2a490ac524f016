// The success bodies of the command API, one schema per answer. Routes declare them as their
// response schemas (checked on every reply, published at /docs/json); handlers build them.
import { z } from 'zod/v4';
import { MinorUnitsSchema } from '../../shared/http/responses';

export const RegisteredSchema = z.object({ userId: z.string() });

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional()
    .describe('absent in a cookie session: the token is then in the HttpOnly cookie'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds the access token lives'),
});

export const MeSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.string()).describe('customer, merchant, admin, auditor'),
  plan: z.enum(['FREE', 'PREMIUM']),
});

export const OpenedWalletSchema = z.object({
  walletId: z.string(),
  ownerId: z.string(),
  currency: z.string(),
  status: z.literal('active'),
});

const movement = {
  status: z.literal('completed'),
  sourceWalletId: z.string(),
  targetWalletId: z.string(),
  amount: MinorUnitsSchema,
  currency: z.string(),
};
export const TransferAcceptedSchema = z.object({ transferId: z.string(), ...movement });
export const PaymentAcceptedSchema = z.object({
  paymentId: z.string(),
  ...movement,
  reference: z.string().optional(),
});

export const HoldPlacedSchema = z.object({
  holdId: z.string(),
  walletId: z.string(),
  status: z.literal('active'),
  expiresAt: z.string().describe('RFC 3339 instant'),
});

/** A movement's id: the one history and GET /v1/transactions/:transactionId know it by. */
const TransactionId = z.string().describe('the movement, as GET /v1/transactions/{id} shows it');

export const HoldCapturedSchema = z.object({
  holdId: z.string(),
  transactionId: TransactionId,
  status: z.literal('captured'),
  targetWalletId: z.string().optional(),
  capturedAmount: MinorUnitsSchema.optional(),
  releasedAmount: MinorUnitsSchema.optional(),
});

export const HoldReleasedSchema = z.object({ holdId: z.string(), status: z.literal('released') });

export const WalletStatusSchema = z.object({
  walletId: z.string(),
  status: z.enum(['frozen', 'active']),
});

export const AdjustedSchema = z.object({
  transactionId: TransactionId,
  adjustmentId: z.string(),
  walletId: z.string(),
  direction: z.enum(['credit', 'debit']),
  amount: MinorUnitsSchema,
  currency: z.string(),
  status: z.literal('completed'),
});
