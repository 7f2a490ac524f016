// Pins a decider's rejection precedence (TigerBeetle style). Each rule is a change that
// breaks it; the scenario for rule i breaks rules i..n together and must be rejected with
// rule i's code, so no later check can ever overtake an earlier one. Rules are applied
// last-to-first, so where two touch the same field the earlier (stronger) rule wins.
import type { ErrorCode } from '../../errors/codes';

export type BrokenRule<S> = Readonly<{ name: string; code: ErrorCode; apply: (s: S) => S }>;

export const broken = <S>(name: string, code: ErrorCode, apply: (s: S) => S): BrokenRule<S> => ({
  name,
  code,
  apply,
});

export function describePrecedence<S>(
  label: string,
  options: Readonly<{
    base: S;
    rules: readonly BrokenRule<S>[];
    expectRejected: (scenario: S, code: ErrorCode) => void;
    expectAccepted: (scenario: S) => void;
  }>,
): void {
  const { base, rules, expectRejected, expectAccepted } = options;
  describe(`${label} rejection precedence`, () => {
    test.each(rules.map((rule, index) => [index + 1, rule.name, rule.code, index] as const))(
      '%d. %s -> %s, even with every later rule broken too',
      (_rank, _name, code, index) => {
        const scenario = rules.slice(index).reduceRight((s, rule) => rule.apply(s), base);
        expectRejected(scenario, code);
      },
    );
    test('the base scenario, breaking no rule, is accepted', () => expectAccepted(base));
  });
}
