// Goal: canonical JSON is byte-for-byte stable (key order, nesting, JSON.stringify's rules
// for undefined and toJSON), and refuses what JSON cannot carry.
import { InvariantViolation } from '../errors/assert';
import { CANONICAL_DEPTH_MAX, canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  test('sorts keys at every depth and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  test('sorts integer-like keys as strings, which JS objects do not', () => {
    expect(canonicalJson({ 10: 'ten', 9: 'nine', a: 'a' })).toBe('{"10":"ten","9":"nine","a":"a"}');
  });

  test('sorts by UTF-16 code units, as RFC 8785 requires', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '1': 3, '\u00e9': 4 }))
      .toBe('{"\\r":2,"1":3,"\u00e9":4,"\u20ac":1}');
  });

  test('agrees with JSON.stringify on undefined, toJSON, escapes and numbers', () => {
    const value = {
      skipped: undefined, at: new Date('2025-01-02T03:04:05.006Z'), list: [undefined, 1.5, -0],
      text: 'quote " backslash \\ newline \n unicode \u2028 \ud83d\ude00', big: 1e21,
    };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson(value)).toBe(
      '{"at":"2025-01-02T03:04:05.006Z","big":1e+21,"list":[null,1.5,0],' +
      `"text":${JSON.stringify(value.text)}}`,
    );
  });

  test('is unchanged by a JSON round trip (what a database gives back)', () => {
    const value = { amount: { currency: 'MYR', amountMinor: '12345' }, tags: ['a', 'b'], n: 0.1 };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  test('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ amountMinor: 1n })).toThrow(InvariantViolation);
    expect(() => canonicalJson({ ratio: Number.NaN })).toThrow(InvariantViolation);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(InvariantViolation);
  });

  test('refuses nesting deeper than CANONICAL_DEPTH_MAX, and takes it up to there', () => {
    const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
    expect(canonicalJson(nested(CANONICAL_DEPTH_MAX))).toMatch(/^\[+1\]+$/);
    expect(() => canonicalJson(nested(CANONICAL_DEPTH_MAX + 1))).toThrow(InvariantViolation);
  });
});
