// Goal: an event's hash depends on every hashed field and on the hash before it, so any
// change to history shows; and the parts a store completes with the version where it hashes
// (Postgres, in SQL) rebuild exactly the same bytes.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from '../../ports/canonical-json';
import { GENESIS_HASH, canonicalParts, hashEvent, type HashedEvent } from './event-hash';

describe('hashEvent', () => {
  const event: HashedEvent = {
    streamId: 'wallet-1', streamVersion: 1n, eventId: '00000000-0000-4000-8000-000000000001',
    type: 'WalletOpened', schemaVersion: 1, data: { currency: 'MYR' },
    metadata: { occurredAt: '2025-01-01T00:00:00.000Z' },
  };

  test('is a hex SHA-256 that depends on every field and on the previous hash', () => {
    const base = hashEvent(GENESIS_HASH, event);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEvent(GENESIS_HASH, { ...event })).toBe(base);
    const variants: HashedEvent[] = [
      { ...event, streamId: 'wallet-2' }, { ...event, streamVersion: 2n },
      { ...event, eventId: '00000000-0000-4000-8000-000000000002' }, { ...event, type: 'X' },
      { ...event, schemaVersion: 2 }, { ...event, data: { currency: 'SGD' } },
      { ...event, metadata: { occurredAt: '2025-01-01T00:00:00.001Z' } },
    ];
    const hashes = new Set(variants.map((variant) => hashEvent(GENESIS_HASH, variant)));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
    expect(hashEvent(base, event)).not.toBe(base);
  });

  test('covers exactly the documented canonical form, so it cannot drift unnoticed', () => {
    const canonical = '{"data":{"currency":"MYR"},' +
      '"eventId":"00000000-0000-4000-8000-000000000001",' +
      '"metadata":{"occurredAt":"2025-01-01T00:00:00.000Z"},"schemaVersion":1,' +
      '"streamId":"wallet-1","streamVersion":"1","type":"WalletOpened"}';
    const expected = createHash('sha256').update(GENESIS_HASH + canonical).digest('hex');
    expect(hashEvent(GENESIS_HASH, event)).toBe(expected);
  });

  test('ignores key order in data and metadata', () => {
    const one = { ...event, data: { a: 1, b: 2 }, metadata: { occurredAt: 'x', actorId: 'u' } };
    const other = { ...event, data: { b: 2, a: 1 }, metadata: { actorId: 'u', occurredAt: 'x' } };
    expect(hashEvent(GENESIS_HASH, one)).toBe(hashEvent(GENESIS_HASH, other));
  });
});

// The Postgres batch append hashes in SQL from these parts (0008_append_steps.sql): they
// must rebuild exactly the canonical JSON that hashEvent hashes, for any event.
describe('canonicalParts', () => {
  const anyText = fc.string({ unit: 'binary', maxLength: 12 });
  const anyObject = fc.dictionary(anyText, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
  const anyEvent = fc.record({
    streamId: anyText, eventId: fc.uuid(), type: anyText,
    schemaVersion: fc.integer({ min: 1, max: 1_000 }), data: anyObject, metadata: anyObject,
  });
  const anyVersion = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n });

  test('head + version digits + tail is the canonical JSON hashEvent hashes', () => {
    fc.assert(fc.property(anyEvent, anyVersion, (event, streamVersion) => {
      const { head, tail } = canonicalParts(event);
      const whole = canonicalJson({ ...event, streamVersion: streamVersion.toString() });
      expect(head + streamVersion.toString() + tail).toBe(whole);
      const rebuilt = createHash('sha256').update(GENESIS_HASH + head + streamVersion + tail);
      expect(rebuilt.digest('hex')).toBe(hashEvent(GENESIS_HASH, { ...event, streamVersion }));
    }), { numRuns: 300 });
  });

  test('completed, the parts are JSON that parses back to every hashed field', () => {
    const data = { amount: { currency: 'MYR', amountMinor: '12345' }, note: 'caf\u00e9 \ud83d\ude00' };
    const metadata = { occurredAt: '2025-01-01T00:00:00.000Z', actorId: 'u-1' };
    const event = {
      streamId: 'wallet-1', eventId: '00000000-0000-4000-8000-000000000001',
      type: 'WalletCredited', schemaVersion: 1, data, metadata,
    };
    const { head, tail } = canonicalParts(event);
    expect(JSON.parse(`${head}7${tail}`)).toEqual({ ...event, streamVersion: '7' });
  });
});
