// Goal: each fraud rule fires at its threshold and not one step below it (count, window edge,
// amount factor, history size, late-night hours), and a run of spending raises at most one
// hint per rule per window.
import { FRAUD_THRESHOLDS, fraudHintsOver, fraudRulesFor, fraudWindowStart } from './fraud-rules';
import type { Movement } from './movement';

const T0 = Date.parse('2026-11-10T04:00:00.000Z'); // 12:00 in Kuala Lumpur
const MINUTE_MS = 60_000;
let sequence = 0;

function spend(atMs: number, amountMinor = 1_000n, payee = 'w-shop', extra: Partial<Movement> = {},
): Movement {
  sequence += 1;
  return {
    movementId: `m-${sequence}`, kind: 'payment', direction: 'debit', amountMinor,
    counterpartyWalletId: payee, status: 'completed', note: null, reference: null,
    at: new Date(atMs), ...extra,
  };
}

describe('velocity: 5 outgoing movements within 10 minutes', () => {
  const { countMin, windowMs } = FRAUD_THRESHOLDS.velocity;
  const burst = (count: number, spacingMs: number) =>
    Array.from({ length: count }, (_, i) => spend(T0 + i * spacingMs));

  test('4 within the window do not fire; 5 do', () => {
    expect(fraudRulesFor(burst(countMin - 1, MINUTE_MS))).not.toContain('velocity');
    expect(fraudRulesFor(burst(countMin, MINUTE_MS))).toContain('velocity');
  });

  test('the window is (at − 10 min, at]: a movement exactly 10 minutes earlier is outside', () => {
    const spacing = windowMs / (countMin - 1);
    expect(fraudRulesFor(burst(countMin, spacing))).not.toContain('velocity');
    expect(fraudRulesFor(burst(countMin, spacing - 1))).toContain('velocity');
  });

  test('failed attempts, credits and adjustments do not count', () => {
    const others = [
      spend(T0, 1n, 'w', { status: 'failed' }),
      spend(T0 + 1, 1n, 'w', { direction: 'credit' }),
      spend(T0 + 2, 1n, 'w', { kind: 'adjustment' }),
    ];
    expect(fraudRulesFor([...others, ...burst(countMin - 1, 1)])).not.toContain('velocity');
  });
});

describe('new payees: 3 payees never paid before, within 24 hours', () => {
  const payees = (names: string[]) => names.map((name, i) => spend(T0 + i * MINUTE_MS, 10n, name));

  test('2 new payees do not fire; 3 do', () => {
    expect(fraudRulesFor(payees(['a', 'b']))).not.toContain('new_payees');
    expect(fraudRulesFor(payees(['a', 'b', 'c']))).toContain('new_payees');
  });

  test('a payee paid before the window is not new', () => {
    const known = spend(T0 - 2 * 24 * 60 * MINUTE_MS, 10n, 'a');
    expect(fraudRulesFor([known, ...payees(['a', 'b', 'c'])])).not.toContain('new_payees');
    expect(fraudRulesFor([known, ...payees(['a', 'b', 'c', 'd'])])).toContain('new_payees');
  });
});

describe('large amount: 10 × the median of at least 5 earlier movements', () => {
  const usual = Array.from({ length: 5 }, (_, i) => spend(T0 - (i + 1) * 60 * MINUTE_MS, 2_000n));

  test('one sen below 10 × median does not fire; exactly 10 × does', () => {
    expect(fraudRulesFor([...usual, spend(T0, 19_999n)])).not.toContain('large_amount');
    expect(fraudRulesFor([...usual, spend(T0, 20_000n)])).toContain('large_amount');
  });

  test('with 4 earlier movements there is no usual amount yet', () => {
    expect(fraudRulesFor([...usual.slice(1), spend(T0, 1_000_000n)])).not.toContain('large_amount');
  });
});

describe('late night: 3 movements within an hour between 00:00 and 05:00 local', () => {
  const at = (iso: string) => Date.parse(iso);
  const night = (startIso: string, count: number, spacingMs = 10 * MINUTE_MS) =>
    Array.from({ length: count }, (_, i) => spend(at(startIso) + i * spacingMs, 10n, 'w'));

  test('2 at night do not fire; 3 do', () => {
    // 2026-11-10T17:00Z is 01:00 in Kuala Lumpur.
    expect(fraudRulesFor(night('2026-11-10T17:00:00.000Z', 2))).not.toContain('late_night');
    expect(fraudRulesFor(night('2026-11-10T17:00:00.000Z', 3))).toContain('late_night');
  });

  test('the hours are [00:00, 05:00) local: 04:59 counts, 05:00 and 23:59 do not', () => {
    expect(fraudRulesFor(night('2026-11-10T20:39:00.000Z', 3))).toContain('late_night');
    expect(fraudRulesFor(night('2026-11-10T20:40:00.000Z', 3))).not.toContain('late_night');
    expect(fraudRulesFor(night('2026-11-10T15:39:00.000Z', 3, MINUTE_MS / 2)))
      .not.toContain('late_night');
  });
});

describe('hints over a month', () => {
  test('a long burst raises one velocity hint per 10-minute window, from its first movement', () => {
    const windowStart = fraudWindowStart('velocity', new Date(T0));
    const burst = Array.from({ length: 8 }, (_, i) => spend(windowStart.getTime() + i * 1000));
    const hints = fraudHintsOver(burst).filter((hint) => hint.rule === 'velocity');
    expect(hints).toEqual([{
      rule: 'velocity', movementId: burst[4]!.movementId, detectedAt: burst[4]!.at, windowStart,
    }]);
  });

  test('windows of a day start at midnight in Kuala Lumpur', () => {
    expect(fraudWindowStart('late_night', new Date('2026-11-10T17:00:00.000Z')).toISOString())
      .toBe('2026-11-10T16:00:00.000Z');
  });
});
