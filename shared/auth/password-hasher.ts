// Password hashing with scrypt (memory-hard, in node:crypto, run on libuv's thread pool so
// the event loop stays free). Stored form: `scrypt$N$r$p$<salt>$<key>` (base64url), so the
// parameters can be raised later without invalidating old hashes (see needsRehash).
// Invariants: a fresh random salt per hash; comparison in constant time; parameters read
// back from storage are bounded, so a corrupt row cannot make one login allocate gigabytes;
// an unknown user costs one full scrypt too (verifyPasswordOrDummy), so the answer time does
// not reveal which e-mails are registered.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { assert } from '../errors/assert';

export type ScryptParams = Readonly<{ costN: number; blockSizeR: number; parallelismP: number }>;

/**
 * N = 2^14, r = 8, p = 1 (16 MiB): measured 37-45 ms per hash on the 2 shared cores here;
 * 2^15 took about 90 ms, over the 50 ms budget that login under load allows. It is the scrypt
 * paper's interactive-login setting, below OWASP's 2^17, which would cost ~180 ms a login.
 */
export const SCRYPT_PARAMS: ScryptParams = Object.freeze({
  costN: 2 ** 14,
  blockSizeR: 8,
  parallelismP: 1,
});
export const SCRYPT_SALT_BYTES = 16;
export const SCRYPT_KEY_BYTES = 32;
/** docs/api.md caps passwords at 128 characters; this bound only guards the hasher itself. */
export const PASSWORD_LENGTH_MAX = 1_024;
const SCRYPT_COST_N_MAX = 2 ** 17;
const SCRYPT_BLOCK_SIZE_R_MAX = 16;
const SCRYPT_PARALLELISM_P_MAX = 4;
const SCHEME = 'scrypt';

/**
 * Compared against when the e-mail is unknown. Made once with SCRYPT_PARAMS from a random,
 * discarded password, so no password matches it; a unit test keeps its parameters equal to
 * SCRYPT_PARAMS, which is what makes the two paths cost the same.
 */
export const DUMMY_PASSWORD_HASH =
  'scrypt$16384$8$1$lc8OfVi4gE6OQZTU5qTowg$Zhm1IJWVgrxeAJMRofdLlMK2wpMFq1TGL4PfIBbqPBw';

type ParsedHash = Readonly<{ params: ScryptParams; salt: Buffer; key: Buffer }>;

export async function hashPassword(
  password: string,
  params: ScryptParams = SCRYPT_PARAMS,
): Promise<string> {
  assert(password.length > 0, 'a password is not empty');
  assert(password.length <= PASSWORD_LENGTH_MAX, 'a password is at most PASSWORD_LENGTH_MAX');
  assertParams(params);
  const salt = randomBytes(SCRYPT_SALT_BYTES);
  const key = await deriveKey(password, salt, params, SCRYPT_KEY_BYTES);
  const { costN, blockSizeR, parallelismP } = params;
  const encoded = [salt.toString('base64url'), key.toString('base64url')];
  return [SCHEME, costN, blockSizeR, parallelismP, ...encoded].join('$');
}

/** True if `password` matches. A malformed stored hash is a bug: InvariantViolation. */
export async function verifyPassword(password: string, storedHash: string): Promise<boolean> {
  const stored = parseStoredHash(storedHash);
  // An over-long guess still pays for one scrypt, so its timing says nothing either.
  const candidate = password.length <= PASSWORD_LENGTH_MAX ? password : '';
  const key = await deriveKey(candidate, stored.salt, stored.params, stored.key.length);
  return candidate.length > 0 && timingSafeEqual(key, stored.key);
}

/**
 * For login: pass the user's stored hash, or null when no user has that e-mail. Either way
 * one scrypt runs with the current parameters, so unknown e-mail and wrong password take
 * the same time; null always answers false.
 */
export async function verifyPasswordOrDummy(
  password: string,
  storedHash: string | null,
): Promise<boolean> {
  const matches = await verifyPassword(password, storedHash ?? DUMMY_PASSWORD_HASH);
  return storedHash !== null && matches;
}

/** True when the hash was made with other parameters: re-hash it after a successful login. */
export function needsRehash(storedHash: string, params: ScryptParams = SCRYPT_PARAMS): boolean {
  const stored = parseStoredHash(storedHash).params;
  return stored.costN !== params.costN
    || stored.blockSizeR !== params.blockSizeR
    || stored.parallelismP !== params.parallelismP;
}

export function parseStoredHash(storedHash: string): ParsedHash {
  const parts = storedHash.split('$');
  assert(parts.length === 6, 'a stored password hash has six $-separated fields');
  const [scheme, costN, blockSizeR, parallelismP, salt, key] = parts as
    [string, string, string, string, string, string];
  assert(scheme === SCHEME, 'a stored password hash uses scrypt');
  const params = {
    costN: parseSmallInteger(costN),
    blockSizeR: parseSmallInteger(blockSizeR),
    parallelismP: parseSmallInteger(parallelismP),
  };
  assertParams(params);
  const saltBytes = Buffer.from(salt, 'base64url');
  const keyBytes = Buffer.from(key, 'base64url');
  assert(saltBytes.length >= SCRYPT_SALT_BYTES, 'a stored salt has at least 16 bytes');
  assert(keyBytes.length >= 16 && keyBytes.length <= 64, 'a stored key has 16 to 64 bytes');
  return { params, salt: saltBytes, key: keyBytes };
}

function parseSmallInteger(text: string): number {
  assert(/^[1-9][0-9]{0,6}$/.test(text), 'a scrypt parameter is a positive integer');
  return Number(text);
}

function assertParams({ costN, blockSizeR, parallelismP }: ScryptParams): void {
  assert(Number.isSafeInteger(costN) && costN > 1, 'scrypt N is an integer above 1');
  assert((costN & (costN - 1)) === 0, 'scrypt N is a power of two');
  assert(costN <= SCRYPT_COST_N_MAX, 'scrypt N is at most SCRYPT_COST_N_MAX');
  assert(Number.isSafeInteger(blockSizeR) && blockSizeR >= 1, 'scrypt r is a positive integer');
  assert(blockSizeR <= SCRYPT_BLOCK_SIZE_R_MAX, 'scrypt r is at most SCRYPT_BLOCK_SIZE_R_MAX');
  assert(Number.isSafeInteger(parallelismP) && parallelismP >= 1, 'scrypt p is positive');
  assert(parallelismP <= SCRYPT_PARALLELISM_P_MAX, 'scrypt p is at most SCRYPT_PARALLELISM_P_MAX');
}

function deriveKey(
  password: string,
  salt: Buffer,
  params: ScryptParams,
  keyBytes: number,
): Promise<Buffer> {
  const { costN, blockSizeR, parallelismP } = params;
  // scrypt needs 128 * N * r bytes; twice that leaves room for Node's own bookkeeping.
  const options: ScryptOptions = {
    N: costN, r: blockSizeR, p: parallelismP, maxmem: 256 * costN * blockSizeR,
  };
  // NFC, so the same password typed on systems that compose accents differently matches.
  const secret = Buffer.from(password.normalize('NFC'), 'utf8');
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
