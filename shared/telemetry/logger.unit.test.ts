// Goal: whatever shape a logged object has (a request with its headers, a body, a nested
// value), a password, token, signature or card field is replaced before the line is written;
// lines without an active span carry no trace fields and their own fields only.
import { createLogger } from './logger';

const SECRET = 'the-secret-value-0123456789';

function captured(log: (logger: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line) => void lines.push(line) } });
  log(logger);
  return lines;
}

test('secrets are redacted at the top level, one and two levels down, and in headers', () => {
  const lines = captured((logger) => {
    logger.info({ password: SECRET, token: SECRET, cardNumber: SECRET }, 'top level');
    logger.info({ body: { refreshToken: SECRET, cvc: SECRET, card: SECRET } }, 'one level');
    logger.info({ req: { body: { password: SECRET, accessToken: SECRET } } }, 'two levels');
    logger.warn({
      req: { headers: { authorization: `Bearer ${SECRET}`, cookie: SECRET, 'stripe-signature': SECRET } },
      res: { headers: { 'set-cookie': SECRET } },
    }, 'headers');
  });
  expect(lines).toHaveLength(4);
  for (const line of lines) expect(line).not.toContain(SECRET);
  expect(JSON.parse(lines[2]!)).toMatchObject({
    req: { body: { password: '[redacted]', accessToken: '[redacted]' } },
  });
});

test('without a span a line has no trace fields, and lines do not share fields', () => {
  const lines = captured((logger) => {
    logger.info({ first: 1 }, 'one');
    logger.info('two');
  });
  const [one, two] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(one).toMatchObject({ first: 1, msg: 'one' });
  expect(one).not.toHaveProperty('trace_id');
  expect(two).not.toHaveProperty('first');
  expect(two).not.toHaveProperty('span_id');
});
