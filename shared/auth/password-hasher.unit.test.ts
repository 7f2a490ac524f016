// Goal: passwords are stored salted with their parameters, verified in constant time, and an
// unknown e-mail costs the same scrypt as a wrong password (no e-mail enumeration by timing).
import { InvariantViolation } from '../errors/assert';
import {
  DUMMY_PASSWORD_HASH, SCRYPT_PARAMS, hashPassword, needsRehash, parseStoredHash,
  verifyPassword, verifyPasswordOrDummy,
} from './password-hasher';

const PASSWORD = 'correct horse battery staple';

test('a hash records the scheme and parameters, and salts each hash afresh', async () => {
  const [first, second] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
  expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  expect(first).not.toBe(second);
  expect(first).not.toContain(PASSWORD);
});

test('the right password verifies; a wrong or empty one does not', async () => {
  const stored = await hashPassword(PASSWORD);
  expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  expect(await verifyPassword(`${PASSWORD}!`, stored)).toBe(false);
  expect(await verifyPassword('', stored)).toBe(false);
  expect(await verifyPassword('x'.repeat(5_000), stored)).toBe(false);
});

test('the same password in composed and decomposed unicode verifies (NFC)', async () => {
  const stored = await hashPassword('caf\u00e9-is-open-24h');
  expect(await verifyPassword('cafe\u0301-is-open-24h', stored)).toBe(true);
});

test('hashes made with other parameters still verify, and ask to be re-hashed', async () => {
  const old = await hashPassword(PASSWORD, { costN: 2 ** 10, blockSizeR: 8, parallelismP: 1 });
  expect(old.startsWith('scrypt$1024$8$1$')).toBe(true);
  expect(await verifyPassword(PASSWORD, old)).toBe(true);
  expect(needsRehash(old)).toBe(true);
  expect(needsRehash(await hashPassword(PASSWORD))).toBe(false);
});

test('an unknown user answers false after the same work as a known one', async () => {
  expect(await verifyPasswordOrDummy(PASSWORD, null)).toBe(false);
  const stored = await hashPassword(PASSWORD);
  expect(await verifyPasswordOrDummy(PASSWORD, stored)).toBe(true);
  expect(await verifyPasswordOrDummy('wrong password!', stored)).toBe(false);
});

test('the dummy hash costs exactly what a real hash costs (same parameters)', () => {
  expect(parseStoredHash(DUMMY_PASSWORD_HASH).params).toEqual(SCRYPT_PARAMS);
  expect(parseStoredHash(DUMMY_PASSWORD_HASH).key.length).toBe(32);
});

test('unknown e-mail and wrong password take similar time (medians within 2x)', async () => {
  const stored = await hashPassword(PASSWORD);
  const median = async (run: () => Promise<unknown>) => {
    const samplesMs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const startedNs = process.hrtime.bigint();
      await run();
      samplesMs.push(Number(process.hrtime.bigint() - startedNs) / 1e6);
    }
    return samplesMs.sort((a, b) => a - b)[2]!;
  };
  const unknownMs = await median(() => verifyPasswordOrDummy('guess-password-1', null));
  const wrongMs = await median(() => verifyPasswordOrDummy('guess-password-1', stored));
  expect(unknownMs / wrongMs).toBeGreaterThan(0.5);
  expect(unknownMs / wrongMs).toBeLessThan(2);
});

test('malformed or unbounded stored hashes are refused as bugs', async () => {
  const refused = [
    'plain-text', 'bcrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5',
    'scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5', // N not a power of 2
    'scrypt$1048576$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5', // N too large
    'scrypt$16384$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5', // salt too short
  ];
  for (const stored of refused) {
    await expect(verifyPassword(PASSWORD, stored)).rejects.toBeInstanceOf(InvariantViolation);
  }
  await expect(hashPassword('')).rejects.toBeInstanceOf(InvariantViolation);
});
