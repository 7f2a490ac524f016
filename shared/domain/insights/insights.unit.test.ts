// Goal: monthly insights are exact in bigint (totals, category shares, the trend in basis
// points), anomalies fire at their thresholds and not below, months are calendar months in
// Kuala Lumpur, categories follow the keyword rules, and the template says the numbers.
import fc from 'fast-check';
import { categoryOf } from './categories';
import { ANOMALY_AMOUNT_FACTOR_MIN, computeInsights } from './insights';
import { monthBounds, monthOf, parseMonth, shiftMonth } from './month';
import type { Movement } from './movement';
import { displayAmount, summaryFactsOf, templateSummary } from './summary-facts';

const NOVEMBER = parseMonth('2026-11');
let sequence = 0;
function movement(iso: string, amountMinor: bigint, extra: Partial<Movement> = {}): Movement {
  sequence += 1;
  return {
    movementId: `m-${sequence}`, kind: 'payment', direction: 'debit', amountMinor,
    counterpartyWalletId: 'merchant-u1-MYR', status: 'completed', note: null, reference: null,
    at: new Date(iso), ...extra,
  };
}

describe('months', () => {
  test('a month runs from 00:00 on its first day in Kuala Lumpur (16:00 UTC the day before)', () => {
    expect(monthBounds(NOVEMBER)).toEqual({
      start: new Date('2026-10-31T16:00:00.000Z'), end: new Date('2026-11-30T16:00:00.000Z'),
    });
    expect(monthOf(new Date('2026-10-31T15:59:59.999Z'))).toEqual({ year: 2026, month: 10 });
    expect(monthOf(new Date('2026-10-31T16:00:00.000Z'))).toEqual({ year: 2026, month: 11 });
    expect(shiftMonth(parseMonth('2026-01'), -1)).toEqual({ year: 2025, month: 12 });
  });

  test.each(['2026-13', '2026-00', '2026-1', '1999-12', ' 2026-11'])('%j is not a month', (text) => {
    expect(() => parseMonth(text)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});

describe('categories', () => {
  test.each([
    [{ reference: 'GrabFood lunch' }, 'food'],
    [{ reference: 'TNB electric bill' }, 'bills'],
    [{ reference: 'order 7' }, 'other'],
    [{ kind: 'transfer' as const, note: 'rent for May' }, 'bills'],
    [{ kind: 'transfer' as const, note: null }, 'transfers'],
    [{ kind: 'top_up' as const }, 'top_up'],
    [{ reference: 'grabbing things' }, 'other'], // Whole words only.
  ])('%j is %s', (extra, category) => {
    expect(categoryOf(movement('2026-11-02T00:00:00Z', 1n, extra))).toBe(category);
  });
});

describe('computeInsights', () => {
  test('totals and shares count completed movements of the month only', () => {
    const insights = computeInsights({
      month: NOVEMBER, trendMonths: 3,
      movements: [
        movement('2026-10-31T15:59:59.999Z', 7n), // October in Kuala Lumpur
        movement('2026-11-01T00:00:00Z', 100_000n, { kind: 'adjustment', direction: 'credit' }),
        movement('2026-11-02T00:00:00Z', 200n, { reference: 'coffee' }),
        movement('2026-11-02T01:00:00Z', 100n, { reference: 'bus' }),
        movement('2026-11-02T02:00:00Z', 5_000n, { status: 'failed' }),
      ],
    });
    expect(insights).toMatchObject({ totalInMinor: 100_000n, totalOutMinor: 300n });
    expect(insights.byCategory).toEqual([
      { category: 'food', totalOutMinor: 200n, count: 1, shareBasisPoints: '6666' },
      { category: 'transport', totalOutMinor: 100n, count: 1, shareBasisPoints: '3333' },
    ]);
    expect(insights.trend.map((t) => [t.month, t.totalOutMinor, t.outChangeBasisPoints])).toEqual([
      ['2026-09', 0n, null], ['2026-10', 7n, null], ['2026-11', 300n, '418571'],
    ]);
  });

  test('an unusual amount is 3 × the usual (median) spending, not one sen less', () => {
    const october = Array.from({ length: 5 }, (_, i) =>
      movement(`2026-10-0${i + 1}T04:00:00Z`, 1_000n));
    const judge = (amountMinor: bigint) => computeInsights({
      month: NOVEMBER, trendMonths: 2,
      movements: [...october, movement('2026-11-05T04:00:00Z', amountMinor)],
    }).anomalies;
    expect(judge(ANOMALY_AMOUNT_FACTOR_MIN * 1_000n - 1n)).toEqual([]);
    expect(judge(ANOMALY_AMOUNT_FACTOR_MIN * 1_000n)).toEqual([expect.objectContaining({
      kind: 'unusual_amount', amountMinor: 3_000n, usualAmountMinor: 1_000n,
    })]);
  });

  test('an unusual frequency is twice the usual monthly count, and at least 5 spendings', () => {
    const october = Array.from({ length: 3 }, (_, i) => movement(`2026-10-0${i + 1}T04:00:00Z`, 10n));
    const november = (count: number) => Array.from({ length: count }, (_, i) =>
      movement(`2026-11-${String(i + 1).padStart(2, '0')}T04:00:00Z`, 10n));
    const kinds = (count: number) => computeInsights({
      month: NOVEMBER, trendMonths: 2, movements: [...october, ...november(count)],
    }).anomalies.map((a) => a.kind);
    expect(kinds(5)).toEqual([]);
    expect(kinds(6)).toEqual(['unusual_frequency']);
  });

  test('property: total out is the sum of the category totals, whatever the movements', () => {
    const arbitraryMovement = fc.record({
      day: fc.integer({ min: 1, max: 28 }),
      amountMinor: fc.bigInt({ min: 1n, max: 10n ** 15n }),
      reference: fc.constantFrom(null, 'lunch', 'bus', 'bill', 'x'),
      failed: fc.boolean(),
      credit: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(arbitraryMovement, { maxLength: 40 }), (specs) => {
      const insights = computeInsights({
        month: NOVEMBER, trendMonths: 1,
        movements: specs.map((s) => movement(
          `2026-11-${String(s.day).padStart(2, '0')}T04:00:00Z`, s.amountMinor, {
            reference: s.reference, status: s.failed ? 'failed' : 'completed',
            direction: s.credit ? 'credit' : 'debit',
          })),
      });
      const byCategory = insights.byCategory.reduce((sum, c) => sum + c.totalOutMinor, 0n);
      expect(byCategory).toBe(insights.totalOutMinor);
    }));
  });
});

test('the template says the amounts exactly, in the currency\'s units', () => {
  expect(displayAmount('MYR', '5')).toBe('MYR 0.05');
  expect(displayAmount('JPY', '1200')).toBe('JPY 1200');
  const insights = computeInsights({
    month: NOVEMBER, trendMonths: 1,
    movements: [movement('2026-11-02T04:00:00Z', 20_894n, { reference: 'lunch' })],
  });
  expect(templateSummary(summaryFactsOf(insights, 'MYR'))).toBe(
    'In 2026-11 you received MYR 0.00 and spent MYR 208.94. Most went to food MYR 208.94.');
});
