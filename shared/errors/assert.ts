// Assertion discipline (docs/style.md, "Assertions"): a failed assertion is a bug, never a client
// error. Nothing converts an InvariantViolation into a 4xx.

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}

export function assertNever(value: never): never {
  throw new InvariantViolation(`unexpected variant: ${JSON.stringify(value)}`);
}
