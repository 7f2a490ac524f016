// Issue 12, logs: what the server writes while it handles passwords, bearer and refresh
// tokens, a Stripe webhook signature and card-like data holds none of them, at the most
// verbose level, in any line; and every line is JSON. Tracing is on (an in-memory exporter),
// so the same run shows that a line written while handling a request carries the trace and
// span ids of that request's span, and that no span attribute holds a secret either.
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { deliverWebhook } from '../../shared/testing/fake-stripe-server';
import { eventually } from '../../sagas/src/testing/test-feed';
import { call, fund, openWallet, PASSWORD, signUp, transfer, withRole } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { startTestTracing, stopTestTracing } from '../support/test-tracing';

const WRONG_PASSWORD = `wrong-${randomUUID()}`;
const FORGED_BEARER = `eyJhbGciOiJIUzI1NiJ9.${randomUUID()}.forged`;
const FORGED_REFRESH = `rt_${randomUUID()}`;
const SIGNATURE = `t=${Math.floor(Date.now() / 1000)},v1=${'5a'.repeat(32)}`;
const CARD_NUMBER = '4242424242424242';
const CARD_SPACED = '4000 0566 5566 5556';
// Sent, but too short to grep for: any timestamp may hold these digits.
const CVC = '737';
const CARD_EXPIRY = '12/34';

const lines: string[] = [];
let exporter: InMemorySpanExporter;
let app: TestApp;
let stopped: Promise<void> | undefined;
/** Stops the app once (the test stops it to flush every line; afterAll if the test failed). */
const stopApp = () => (stopped ??= app.stop());

beforeAll(async () => {
  exporter = startTestTracing();
  app = await startTestApp({
    env: { LOG_LEVEL: 'trace' },
    logDestination: { write: (line) => void lines.push(line) },
  });
});
afterAll(async () => {
  if (app) await stopApp();
  await stopTestTracing();
});

test('no password, token, signature or card number reaches a log line', async () => {
  process.on('unhandledRejection', (e) => process.stderr.write('UNHANDLED ' + String(e) + '\n'));
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const user = await signUp(app, 'Nur');
  const payee = await signUp(app, 'Wei');
  const secrets = [PASSWORD, WRONG_PASSWORD, FORGED_BEARER, FORGED_REFRESH, SIGNATURE, '5a'.repeat(32),
    CARD_NUMBER, CARD_SPACED, user.token, user.refreshToken, admin.token, admin.refreshToken];

  // Passwords: a good and a bad login, and a body that is not JSON around a password.
  expect((await call(app, 'POST', '/v1/auth/login', {
    body: { email: user.email, password: WRONG_PASSWORD } })).status).toBe(401);
  expect((await call(app, 'POST', '/v1/auth/login', {
    body: { email: user.email, password: PASSWORD } })).status).toBe(200);
  expect((await call(app, 'POST', '/v1/auth/login', {
    raw: `{"email":"${user.email}","password":"${WRONG_PASSWORD}"` })).status).toBe(400);
  // Tokens: a forged bearer, a forged refresh token, a real refresh (rotates) and logout.
  expect((await call(app, 'GET', '/v1/me', { token: FORGED_BEARER })).status).toBe(401);
  expect((await call(app, 'POST', '/v1/auth/refresh', {
    body: { refreshToken: FORGED_REFRESH } })).status).toBe(401);
  const refreshed = await call(app, 'POST', '/v1/auth/refresh', {
    body: { refreshToken: user.refreshToken } });
  expect(refreshed.status).toBe(200);
  secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
  // Card-like data: refused as unknown fields of a top-up, carried in a transfer's note.
  const source = await openWallet(app, user);
  const target = await openWallet(app, payee);
  expect((await fund(app, admin, source, '5000')).status).toBe(201);
  expect((await call(app, 'POST', `/v1/wallets/${source}/top-ups`, {
    token: refreshed.body.accessToken,
    headers: { 'idempotency-key': randomUUID() },
    body: { amount: '1000', currency: 'MYR', cardNumber: CARD_NUMBER, cvc: CVC, expiry: CARD_EXPIRY },
  })).status).toBe(400);
  expect((await transfer(app, { ...user, token: refreshed.body.accessToken }, {
    sourceWalletId: source, targetWalletId: target, amount: '100', note: `card ${CARD_SPACED}`,
  })).status).toBe(201);
  // A Stripe webhook whose signature does not verify, its body holding card-like data.
  const webhook = await deliverWebhook(`${app.url}/v1/webhooks/stripe`,
    JSON.stringify({ id: 'evt_x', type: 'charge.succeeded', data: { object: { card: CARD_NUMBER } } }),
    'unused', { signature: SIGNATURE });
  expect(webhook.status).toBe(400);
  expect((await call(app, 'POST', '/v1/auth/logout', { token: refreshed.body.accessToken })).status)
    .toBe(204);
  // The saga's e-mails (which quote the note) are logged as sent: wait for them.
  expect(await eventually(async () => lines.some((line) => line.includes('notification sent'))))
    .toBe(true);

  await stopApp();
  // The capture saw the request path: the refused webhook's warning, in its request's trace.
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const refused = parsed.find((line) => line['msg'] === 'Stripe webhook refused');
  expect(refused).toBeDefined();
  const span = exporter.getFinishedSpans().find((each) =>
    each.spanContext().spanId === refused!['span_id']);
  expect(span?.name).toBe('POST /v1/webhooks/stripe');
  expect(refused!['trace_id']).toBe(span?.spanContext().traceId);

  const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));
  expect(lines.flatMap(leaks)).toEqual([]);
  // Nor in any span's name or attributes (the request's URL and route are recorded).
  const spansText = JSON.stringify(exporter.getFinishedSpans()
    .map((each) => ({ name: each.name, attributes: each.attributes, events: each.events })));
  expect(leaks(spansText)).toEqual([]);
});
