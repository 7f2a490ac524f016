// Plan limits, in minor units per currency. The wallet deciders check them from the wallet's
// own stream (never from a cache). Merchant and system wallets have no maximum balance, and
// only user wallets are bound by the per-transfer and daily outgoing limits.
//
// | Plan    | Currency | Per transfer | Daily outgoing | Maximum balance |
// |---------|----------|--------------|----------------|-----------------|
// | FREE    | MYR      | RM 1,000     | RM 1,500       | RM 5,000        |
// | FREE    | SGD      | S$ 300       | S$ 450         | S$ 1,500        |
// | FREE    | USD      | US$ 200      | US$ 300        | US$ 1,000       |
// | FREE    | JPY      | ¥ 30,000     | ¥ 45,000       | ¥ 150,000       |
// | PREMIUM | MYR      | RM 10,000    | RM 20,000      | RM 50,000       |
// | PREMIUM | SGD      | S$ 3,000     | S$ 6,000       | S$ 15,000       |
// | PREMIUM | USD      | US$ 2,000    | US$ 4,000      | US$ 10,000      |
// | PREMIUM | JPY      | ¥ 300,000    | ¥ 600,000      | ¥ 1,500,000     |
//
// "Daily" is the UTC calendar day of the debit. Transfers, payments and hold captures count
// towards it; admin adjustments and top-ups do not. A hold is checked against the
// per-transfer and daily limits when it is placed, and its capture counts when it happens.
import { MINOR_UNIT_SCALE, type CurrencyCode } from '../money/money';

export const PLANS = ['FREE', 'PREMIUM'] as const;
export type Plan = (typeof PLANS)[number];

export type PlanLimits = Readonly<{
  transferAmountMinorMax: bigint;
  dailyOutgoingMinorMax: bigint;
  balanceMinorMax: bigint;
}>;

/** Whole currency units to minor units: `major('MYR', 10n)` is 1000n sen. */
const major = (currency: CurrencyCode, units: bigint): bigint =>
  units * 10n ** BigInt(MINOR_UNIT_SCALE[currency]);

const limitsIn = (
  currency: CurrencyCode,
  transferUnits: bigint,
  dailyUnits: bigint,
  balanceUnits: bigint,
): PlanLimits =>
  Object.freeze({
    transferAmountMinorMax: major(currency, transferUnits),
    dailyOutgoingMinorMax: major(currency, dailyUnits),
    balanceMinorMax: major(currency, balanceUnits),
  });

export const PLAN_LIMITS: Readonly<Record<Plan, Readonly<Record<CurrencyCode, PlanLimits>>>> =
  Object.freeze({
    FREE: Object.freeze({
      MYR: limitsIn('MYR', 1_000n, 1_500n, 5_000n),
      SGD: limitsIn('SGD', 300n, 450n, 1_500n),
      USD: limitsIn('USD', 200n, 300n, 1_000n),
      JPY: limitsIn('JPY', 30_000n, 45_000n, 150_000n),
    }),
    PREMIUM: Object.freeze({
      MYR: limitsIn('MYR', 10_000n, 20_000n, 50_000n),
      SGD: limitsIn('SGD', 3_000n, 6_000n, 15_000n),
      USD: limitsIn('USD', 2_000n, 4_000n, 10_000n),
      JPY: limitsIn('JPY', 300_000n, 600_000n, 1_500_000n),
    }),
  });

export const planLimits = (plan: Plan, currency: CurrencyCode): PlanLimits =>
  PLAN_LIMITS[plan][currency];
