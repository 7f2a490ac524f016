// The error-code registry and docs/errors.md list the same codes with the same statuses, so
// clients can rely on the documentation (checked both ways, as Fastify does for its codes).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from './codes';

const documented = new Map(
  [...readFileSync(path.resolve(__dirname, '../../docs/errors.md'), 'utf8')
    .matchAll(/^\| `([a-z_]+)` \| ([0-9]{3}) \|/gm)]
    .map((match) => [match[1]!, Number(match[2])]),
);

test('every registered code is documented with its status', () => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    expect([code, documented.get(code)]).toEqual([code, status]);
  }
});

test('every documented code is registered', () => {
  for (const code of documented.keys()) expect(Object.keys(ERROR_CODES)).toContain(code);
});

test('codes are snake_case and statuses are client or server errors', () => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(status).toBeGreaterThanOrEqual(400);
  }
});
