// The bodies the query API answers with, one schema per view. Routes declare them as their
// response schemas (checked on every reply, published at /docs/json).
import { z } from 'zod/v4';
import { MinorUnitsSchema, pageOf } from '../../shared/http/responses';

const Instant = z.string().describe('RFC 3339 instant');

export const WalletViewSchema = z.object({
  walletId: z.string(),
  ownerId: z.string().nullable().describe('null for system accounts'),
  currency: z.string(),
  balance: MinorUnitsSchema,
  available: MinorUnitsSchema.describe('balance minus held'),
  held: MinorUnitsSchema,
  status: z.string().describe('active, frozen or closed'),
  version: z.string().describe('the wallet stream\'s version'),
});
export const WalletPageSchema = pageOf(WalletViewSchema);

export const TransferViewSchema = z.object({
  transferId: z.string(),
  kind: z.string(),
  status: z.string().describe('completed or failed'),
  sourceWalletId: z.string(),
  targetWalletId: z.string(),
  amount: MinorUnitsSchema,
  currency: z.string(),
  reason: z.string().optional().describe('why a failed transfer was rejected'),
  note: z.string().optional(),
  createdAt: Instant,
});

export const AuditEventSchema = z.object({
  streamId: z.string(),
  streamVersion: z.string(),
  position: z.string(),
  eventId: z.string(),
  type: z.string(),
  schemaVersion: z.number().int(),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  recordedAt: Instant,
  hash: z.string(),
});
export const AuditEventPageSchema = pageOf(AuditEventSchema);

export const BalanceAtSchema = z.object({
  walletId: z.string(),
  at: Instant,
  balance: MinorUnitsSchema,
  held: MinorUnitsSchema,
  available: MinorUnitsSchema,
  currency: z.string().nullable(),
  version: z.string(),
  position: z.string().nullable().describe('the last event applied; null before the first'),
});
