// Amounts on the wire are digit strings; everything else is refused, never coerced.
import { AmountStringSchema } from './money';

describe('AmountStringSchema', () => {
  test.each(['1', '1050', '1000000000000000'])('accepts %s', (input) => {
    expect(AmountStringSchema.safeParse(input).success).toBe(true);
  });
  test.each(['-1', '0', '1.5', '1e3', ' 100', '+100', '0100', '99999999999999999999999', ''])(
    'refuses %j',
    (input) => expect(AmountStringSchema.safeParse(input).success).toBe(false),
  );
  test.each([100, null, [], {}, 1.5])('refuses the non-string %j', (input) => {
    expect(AmountStringSchema.safeParse(input).success).toBe(false);
  });
});
