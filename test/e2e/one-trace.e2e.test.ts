// Issue 12, tracing: one trace holds a transfer's HTTP request, its decision and append, the
// projection of its events and the e-mail the notifications saga sent for it. The app runs as
// `tng serve` runs all four services in one process (the saga fed from the event log), with
// the tracing composition root of bin/ given an in-memory exporter instead of OTLP. The
// traceparent the request stored in its events' metadata is what carries the trace on.
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Pool } from 'pg';
import { hashChainCheck } from '../../shared/audit/hash-chain.check';
import { eventually } from '../../sagas/src/testing/test-feed';
import { call, fund, openWallet, signUp, transfer, withRole } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { startTestTracing, stopTestTracing } from '../support/test-tracing';

let exporter: InMemorySpanExporter;
let app: TestApp;

beforeAll(async () => {
  exporter = startTestTracing();
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
  await stopTestTracing();
});

const inTrace = (traceId: string) =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
const names = (spans: readonly ReadableSpan[]) => spans.map((span) => span.name);

test('a transfer\'s request, projection and e-mail are one trace', async () => {
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const sender = await signUp(app, 'Siti');
  const recipient = await signUp(app, 'Raj');
  const source = await openWallet(app, sender);
  const target = await openWallet(app, recipient);
  expect((await fund(app, admin, source, '10000')).status).toBe(201);
  const sent = await transfer(app, sender, { sourceWalletId: source, targetWalletId: target,
    amount: '1050' });
  expect(sent.status).toBe(201);

  const server = exporter.getFinishedSpans().find((span) => span.name === 'POST /v1/transfers');
  expect(server?.attributes['http.route']).toBe('/v1/transfers');
  const traceId = server!.spanContext().traceId;

  // The projection and the saga follow the log on their own schedule: wait (bounded) for the
  // projection, and for two e-mails whose saga steps have ended too.
  const wanted = ['tng.project wallets', 'tng.saga_step notifications', 'tng.send_mail'];
  expect(await eventually(async () => {
    const seen = names(inTrace(traceId));
    const ended = new Set(inTrace(traceId).map((span) => span.spanContext().spanId));
    const mails = inTrace(traceId).filter((span) => span.name === 'tng.send_mail');
    return wanted.every((name) => seen.includes(name)) && mails.length >= 2
      && mails.every((span) => ended.has(span.parentSpanContext?.spanId ?? ''));
  })).toBe(true);
  const spans = inTrace(traceId);
  expect(names(spans)).toEqual(expect.arrayContaining(['tng.decide', 'tng.append', ...wanted]));
  // Both parties' e-mails, each a child of the saga's step for its message.
  const mails = spans.filter((span) => span.name === 'tng.send_mail');
  expect(mails.map((span) => span.attributes['tng.notification_kind']).sort())
    .toEqual(['transfer_received', 'transfer_sent']);
  const steps = new Set(spans.filter((span) => span.name === 'tng.saga_step notifications')
    .map((span) => span.spanContext().spanId));
  expect(mails.every((span) => steps.has(span.parentSpanContext?.spanId ?? ''))).toBe(true);
  // The decision is a child of the request; no span carries an e-mail address.
  const decide = spans.find((span) => span.name === 'tng.decide');
  expect(decide?.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
  expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain('@');

  // The context travelled in the events' metadata: the transfer's events carry it.
  const pool = new Pool({ connectionString: app.db.url, max: 1 });
  try {
    const stored = await pool.query<{ traceparent: string | null }>(
      `select metadata->>'traceparent' as traceparent from events
        where type in ('WalletDebited', 'WalletCredited') and metadata->>'traceparent' like $1`,
      [`00-${traceId}-%`],
    );
    expect(stored.rows.length).toBeGreaterThanOrEqual(2);
    // The hash covers the metadata as stored: every chain (with and without traceparent,
    // like the system accounts' opening events) still verifies.
    expect(hashChainCheck(await app.server.runtime.store.verifyStreams()).ok).toBe(true);
  } finally {
    await pool.end();
  }
  // And the mail really went out.
  const mailbox = await call(app, 'GET', '/dev/mailbox');
  expect((mailbox.body as { items: unknown[] }).items).toHaveLength(2);
});
