// Goal: pin the documented plan table, and keep its shape sensible in every currency.
import { CURRENCY_CODES } from '../money/money';
import { PLAN_LIMITS, planLimits, PLANS } from './plan-limits';

test('FREE and PREMIUM in MYR match the documented table (in sen)', () => {
  expect(planLimits('FREE', 'MYR')).toEqual({
    transferAmountMinorMax: 100_000n,
    dailyOutgoingMinorMax: 150_000n,
    balanceMinorMax: 500_000n,
  });
  expect(planLimits('PREMIUM', 'MYR')).toEqual({
    transferAmountMinorMax: 1_000_000n,
    dailyOutgoingMinorMax: 2_000_000n,
    balanceMinorMax: 5_000_000n,
  });
});

test('JPY has no minor unit: the limits are whole yen', () => {
  expect(planLimits('FREE', 'JPY').transferAmountMinorMax).toBe(30_000n);
  expect(planLimits('PREMIUM', 'JPY').balanceMinorMax).toBe(1_500_000n);
});

test.each(CURRENCY_CODES)(
  '%s: per transfer <= daily <= maximum balance, PREMIUM above FREE',
  (currency) => {
    for (const plan of PLANS) {
      const limits = PLAN_LIMITS[plan][currency];
      expect(limits.transferAmountMinorMax <= limits.dailyOutgoingMinorMax).toBe(true);
      expect(limits.dailyOutgoingMinorMax <= limits.balanceMinorMax).toBe(true);
    }
    const free = planLimits('FREE', currency);
    const premium = planLimits('PREMIUM', currency);
    expect(premium.transferAmountMinorMax > free.transferAmountMinorMax).toBe(true);
    expect(premium.dailyOutgoingMinorMax > free.dailyOutgoingMinorMax).toBe(true);
    expect(premium.balanceMinorMax > free.balanceMinorMax).toBe(true);
  },
);
