// Response schemas of the statement and insights routes (zod, the same shapes the handlers
// return; Fastify checks replies with them and the OpenAPI document shows them). Money is
// minor units as digit strings in the wallet's currency; ratios are integer basis points
// (1/100 of a percent) as digit strings, null where no ratio exists (docs/insights.md).
import { z } from 'zod/v4';
import { CATEGORIES } from '../../../shared/domain/insights/categories';
import { FRAUD_RULES } from '../../../shared/domain/insights/fraud-rules';
import { MONTH_PATTERN } from '../../../shared/domain/insights/month';
import { MinorUnitsSchema } from '../../../shared/http/responses';
import { HISTORY_KINDS } from '../../../shared/read-models/wallet-transactions.rows';

const BasisPoints = z.string().regex(/^-?[0-9]+$/)
  .describe('a ratio in basis points (10000 = 100%), truncated toward zero');
const Month = z.string().regex(MONTH_PATTERN).describe('yyyy-mm');

/** A month as a query parameter or path segment; its calendar is Asia/Kuala_Lumpur. */
export const MonthSchema = z.string().regex(MONTH_PATTERN, 'a month (yyyy-mm)')
  .describe('a calendar month, yyyy-mm, in Asia/Kuala_Lumpur (UTC+08:00)');

export const StatementLineSchema = z.object({
  transactionId: z.string(),
  kind: z.enum(HISTORY_KINDS),
  direction: z.enum(['debit', 'credit']),
  amount: MinorUnitsSchema,
  balanceAfter: MinorUnitsSchema,
  counterpartyWalletId: z.string().nullable(),
  status: z.enum(['completed', 'failed']).describe('failed attempts are listed, never counted'),
  category: z.enum(CATEGORIES),
  note: z.string().nullable(),
  reference: z.string().nullable().describe('a payment\'s merchant reference'),
  createdAt: z.string(),
});

export const StatementSchema = z.object({
  walletId: z.string(),
  month: Month,
  timeZone: z.literal('Asia/Kuala_Lumpur'),
  from: z.string().describe('first instant of the month (inclusive)'),
  to: z.string().describe('first instant of the next month (exclusive)'),
  currency: z.string(),
  openingBalance: MinorUnitsSchema,
  closingBalance: MinorUnitsSchema,
  totalIn: MinorUnitsSchema,
  totalOut: MinorUnitsSchema,
  movements: z.array(StatementLineSchema).describe('log order, oldest first'),
});
export type StatementView = z.infer<typeof StatementSchema>;

const AnomalySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('unusual_amount'),
    transactionId: z.string(),
    amount: MinorUnitsSchema,
    usualAmount: MinorUnitsSchema.describe('median spending of the earlier trend months'),
    createdAt: z.string(),
  }),
  z.object({
    kind: z.literal('unusual_frequency'),
    count: z.number().int(),
    usualCountBasisPoints: BasisPoints.describe('mean spendings per earlier month × 10000'),
  }),
]);

export const InsightsSchema = z.object({
  walletId: z.string(),
  month: Month,
  currency: z.string(),
  plan: z.enum(['FREE', 'PREMIUM']),
  totalIn: MinorUnitsSchema,
  totalOut: MinorUnitsSchema,
  byCategory: z.array(z.object({
    category: z.enum(CATEGORIES),
    totalOut: MinorUnitsSchema,
    count: z.number().int(),
    shareBasisPoints: BasisPoints.nullable(),
  })),
  topMerchants: z.array(z.object({
    merchantWalletId: z.string(),
    total: MinorUnitsSchema,
    count: z.number().int(),
  })),
  trend: z.array(z.object({
    month: Month,
    totalIn: MinorUnitsSchema,
    totalOut: MinorUnitsSchema,
    outChangeBasisPoints: BasisPoints
      .describe('change of totalOut against the month before, in basis points').nullable(),
  })).describe('oldest first, ending with the asked month; as many months as the plan allows'),
  anomalies: z.array(AnomalySchema),
  fraudHints: z.array(z.object({
    rule: z.enum(FRAUD_RULES),
    transactionId: z.string().describe('the movement that tripped the rule first'),
    detectedAt: z.string(),
    windowStart: z.string(),
  })),
  summary: z.string(),
  summarySource: z.enum(['template', 'llm']),
});
export type InsightsView = z.infer<typeof InsightsSchema>;
