// Canonical JSON, RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
// numbers and strings as JSON.stringify writes them. One encoding for every place where equal
// values must give equal bytes: an event's hash (the event store adapters) and an
// Idempotency-Key's request fingerprint (command-api). A pure function with no I/O, so it
// sits in the kernel that everything may import.
// Values that JSON cannot carry losslessly (bigint, NaN, Infinity) are a bug in the caller
// and throw, because the stored bytes would then differ from the hashed ones.
import { InvariantViolation } from '../errors/assert';

/** Nesting deeper than this is refused rather than risking a stack overflow. */
export const CANONICAL_DEPTH_MAX = 64;

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  if (depth > CANONICAL_DEPTH_MAX) throw new InvariantViolation('JSON nested too deeply');
  const plain = toJsonValue(value);
  if (plain === null) return 'null';
  switch (typeof plain) {
    case 'boolean':
    case 'string':
      return JSON.stringify(plain);
    case 'number':
      if (!Number.isFinite(plain)) throw new InvariantViolation(`not JSON: ${plain}`);
      return JSON.stringify(plain);
    case 'bigint':
      throw new InvariantViolation('bigint has no JSON form: encode it as a decimal string');
    case 'object':
      return Array.isArray(plain) ? encodeArray(plain, depth) : encodeObject(plain, depth);
    default:
      throw new InvariantViolation(`not JSON: ${typeof plain}`);
  }
}

// Like JSON.stringify: an object with toJSON (a Date) is encoded as what toJSON returns.
function toJsonValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const toJSON = (value as { toJSON: unknown }).toJSON;
    if (typeof toJSON === 'function') return (toJSON as () => unknown).call(value);
  }
  return value;
}

// Like JSON.stringify: undefined and functions inside an array become null.
function encodeArray(items: readonly unknown[], depth: number): string {
  const parts = items.map((item) => (isOmitted(item) ? 'null' : encode(item, depth + 1)));
  return `[${parts.join(',')}]`;
}

// Like JSON.stringify: properties whose value is undefined or a function are left out.
function encodeObject(object: object, depth: number): string {
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => !isOmitted(record[key]))
    .sort(); // Default sort compares UTF-16 code units, as JCS requires.
  const parts = keys.map((key) => `${JSON.stringify(key)}:${encode(record[key], depth + 1)}`);
  return `{${parts.join(',')}}`;
}

const isOmitted = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';
