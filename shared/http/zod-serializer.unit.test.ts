// Goal: replies of routes with zod response schemas go out exactly as the handler built them,
// whichever serializer writes them. Production's fast-json-stringify (`fast`) and the checked
// mode every test runs write the same bytes, and those bytes read back as the handler's value:
// no field dropped, renamed or coerced. Outside production a reply that breaks its schema, or
// that the fast serializer would change, is a 500. And a service cannot register a route
// without a response schema.
import fastJson from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';
import { toJSONSchema, type $ZodType } from 'zod/v4/core';
import { z } from 'zod/v4';
import { HoldCapturedSchema, MeSchema, TransferAcceptedSchema } from '../../command-api/src/command-responses';
import { TransactionPageSchema } from '../../query-api/src/movement.schemas';
import {
  AuditEventPageSchema, TransferViewSchema, WalletPageSchema, WalletViewSchema,
} from '../../query-api/src/query-responses';
import { createLogger } from '../telemetry/logger';
import { createMetrics } from '../telemetry/metrics';
import { createHttpServer, registerService, withZod } from './create-http-server';
import { problem } from './problem';
import { ProblemSchema, responses } from './responses';
import { replySerializerCompiler, type ReplyChecks } from './zod-serializer';

const id = (n: number) => `0190c0de-000${n}-7000-8000-00000000abcd`;
const wallet = (n: number, ownerId: string | null) => ({
  walletId: id(n), ownerId, currency: 'MYR', balance: '-120', available: '0', held: '0',
  status: 'frozen', version: '7',
});

/** Representative replies: nulls, optional fields absent and present, nested open records. */
const SAMPLES: ReadonlyArray<readonly [string, $ZodType, unknown]> = [
  ['transfer accepted', TransferAcceptedSchema, {
    // Built in another order than the schema lists the fields.
    currency: 'MYR', amount: '1250', transferId: id(1), status: 'completed',
    sourceWalletId: id(2), targetWalletId: id(3),
  }],
  ['hold captured, partial', HoldCapturedSchema, {
    holdId: id(1), transactionId: id(2), status: 'captured', targetWalletId: id(3),
    capturedAmount: '700', releasedAmount: '300',
  }],
  ['hold captured, bare', HoldCapturedSchema, { holdId: id(1), transactionId: id(2), status: 'captured' }],
  ['me', MeSchema, { userId: id(1), email: 'a"b@c.d', name: 'Zoë \u2028 <x>', roles: [], plan: 'PREMIUM' }],
  ['wallet view', WalletViewSchema, wallet(1, id(9))],
  ['wallet page', WalletPageSchema, { items: [wallet(1, null), wallet(2, id(9))], nextCursor: null }],
  ['transfer view, failed', TransferViewSchema, {
    transferId: id(1), kind: 'transfer', status: 'failed', sourceWalletId: id(2),
    targetWalletId: id(3), amount: '5', currency: 'MYR', reason: 'insufficient_funds',
    createdAt: '2026-01-02T03:04:05.678Z',
  }],
  ['history page', TransactionPageSchema, {
    items: [{
      transactionId: id(1), kind: 'transfer', direction: 'debit', amount: '5', currency: 'MYR',
      balanceAfter: '-5', counterpartyWalletId: null, status: 'completed', note: null,
      createdAt: '2026-01-02T03:04:05.678Z',
    }],
    nextCursor: 'abc',
  }],
  ['audit page', AuditEventPageSchema, {
    items: [{
      streamId: `wallet-${id(1)}`, streamVersion: '1', position: '42', eventId: id(2),
      type: 'WalletDebited', schemaVersion: 2,
      data: { amount: '5', nested: { list: [1, 'two', null, { three: true }] } },
      metadata: { requestId: 'r', causationId: null }, recordedAt: '2026-01-02T03:04:05Z',
      hash: 'ab'.repeat(32),
    }],
    nextCursor: null,
  }],
  ['problem with extensions', ProblemSchema, {
    ...problem('insufficient_funds', 'the wallet cannot cover this amount', {
      walletId: id(1), transferId: id(2), amount: '900', currency: 'MYR',
    }),
    instance: '/v1/transfers',
  }],
  ['problem with a field the schema does not list', ProblemSchema, {
    ...problem('invalid_request', 'the request does not match the schema'),
    errors: [{ path: 'body/amount', message: 'Invalid' }], unlisted: { kept: [1, 2] },
  }],
];

const servers: FastifyInstance[] = [];
afterAll(() => Promise.all(servers.map((app) => app.close())));

/** A server with one route per sample, answering the sample's value as its 200. */
async function serverFor(replyChecks: ReplyChecks, samples = SAMPLES): Promise<FastifyInstance> {
  const logger = createLogger({ level: 'silent' });
  const app = await createHttpServer({ logger, metrics: createMetrics(), version: 't', replyChecks });
  servers.push(app);
  await registerService(app, async (scope) => {
    samples.forEach(([, schema, value], index) => {
      withZod(scope).get(`/sample/${index}`, { schema: { response: { 200: schema } } },
        async () => value as never);
    });
  });
  return app;
}

test('fast and checked write the same bytes, which read back as the handler\'s value', async () => {
  const fast = await serverFor('fast');
  const checked = await serverFor('checked');
  for (const [index, [label, , value]] of SAMPLES.entries()) {
    const fastReply = await fast.inject({ url: `/sample/${index}` });
    const checkedReply = await checked.inject({ url: `/sample/${index}` });
    expect([label, checkedReply.statusCode]).toEqual([label, 200]);
    expect([label, fastReply.body]).toEqual([label, checkedReply.body]);
    expect([label, JSON.parse(fastReply.body)]).toEqual([label, JSON.parse(JSON.stringify(value))]);
  }
});

test('the fast serializer writes what the handler holds, not what the schema expects', async () => {
  // A literal is not written as its constant, an unlisted field is not dropped.
  const Accepted = z.object({ status: z.literal('completed'), amount: z.string() });
  const value = { status: 'failed', amount: '5', extra: 'kept' };
  const fast = await serverFor('fast', [['literal', Accepted, value]]);
  expect(JSON.parse((await fast.inject({ url: '/sample/0' })).body)).toEqual(value);
  // Types it trusts: a null where the schema allows none would go out as "". That is why
  // every test runs the checked mode, which refuses it.
  const nulled: ReadonlyArray<readonly [string, $ZodType, unknown]> =
    [['null', Accepted, { status: 'completed', amount: null }]];
  expect((await (await serverFor('fast', nulled)).inject({ url: '/sample/0' })).body)
    .toBe('{"status":"completed","amount":""}');
  expect((await (await serverFor('checked', nulled)).inject({ url: '/sample/0' })).statusCode)
    .toBe(500);
});

test('checked: a reply that breaks its schema is a 500', async () => {
  const app = await serverFor('checked', [['wrong', WalletViewSchema, { ...wallet(1, null), balance: 5 }]]);
  const reply = await app.inject({ url: '/sample/0' });
  expect(reply.statusCode).toBe(500);
  expect(reply.body).not.toContain('"balance"');
});

test('checked: a reply the fast serializer would change is refused', () => {
  // fast-json-stringify from the published (closed) schema drops an unlisted field.
  const closed = (schema: $ZodType) => {
    const { $schema: _dialect, ...json } = toJSONSchema(schema, { io: 'output', target: 'draft-7' });
    return fastJson(json as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
  };
  const route = { schema: TransferAcceptedSchema, method: 'POST', url: '/v1/transfers', httpStatus: '201' };
  const value = { ...(SAMPLES[0]![2] as object), extra: 1 };
  expect(replySerializerCompiler('checked', closed)(route)(SAMPLES[0]![2])).toContain('"transferId"');
  expect(() => replySerializerCompiler('checked', closed)(route)(value))
    .toThrow('POST /v1/transfers: the fast serializer changed the reply');
  // The serializer production uses keeps it.
  expect(JSON.parse(replySerializerCompiler('checked')(route)(value))).toEqual(value);
});

test('a service cannot register a route without a response schema for its success', async () => {
  const logger = createLogger({ level: 'silent' });
  const app = await createHttpServer({ logger, metrics: createMetrics(), version: 't' });
  servers.push(app);
  await expect(registerService(app, async (scope) => {
    withZod(scope).get('/v1/bare', async () => ({ ok: true }));
  })).rejects.toThrow('GET /v1/bare: no response schema for its success status');
  const onlyErrors = await createHttpServer({ logger, metrics: createMetrics(), version: 't' });
  servers.push(onlyErrors);
  await expect(registerService(onlyErrors, async (scope) => {
    withZod(scope).get('/v1/errors', { schema: { response: responses({}, [400]) } },
      async () => ({ ok: true }) as never);
  })).rejects.toThrow('GET /v1/errors: no response schema for its success status');
});
