// A local fake of the parts of Stripe's API the payments adapter uses, for tests that set
// STRIPE_API_BASE to it: POST /v1/checkout/sessions (honouring Idempotency-Key: the same key
// returns the first session) and GET /v1/checkout/sessions (created[gte], starting_after and
// limit paging, newest first). It can mark a session paid or expired, fail requests as an
// outage would (503), and build, sign and deliver webhook events like Stripe does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formObject, formString, parseFormBody } from './form-body';
import { signStripePayload } from '../adapters/payments/stripe-signature';

export type FakeSession = {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: number | null;
  currency: string | null;
  payment_intent: string | null;
  subscription_data?: { metadata: Record<string, string> };
  created: number;
  url: string;
};

export type FakeStripeServer = Readonly<{
  url: string;
  sessions: () => readonly FakeSession[];
  session: (id: string) => FakeSession;
  /** Marks a session paid (as Stripe does when the customer pays) and returns it. */
  pay: (id: string) => FakeSession;
  /** While on, every API request answers 503. */
  setOutage: (on: boolean) => void;
  requestCount: () => number;
  stop: () => Promise<void>;
}>;

const PAGE_LIMIT_DEFAULT = 10;

export async function startFakeStripeServer(): Promise<FakeStripeServer> {
  const sessions: FakeSession[] = [];
  const byKey = new Map<string, FakeSession>();
  let outage = false;
  let requests = 0;
  let counter = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    void readBody(request).then((body) => {
      if (outage) return send(response, 503, { error: { type: 'api_error', message: 'outage' } });
      const url = new URL(request.url ?? '/', 'http://fake');
      if (url.pathname !== '/v1/checkout/sessions') return send(response, 404, notFoundError());
      if (request.method === 'GET') return send(response, 200, list(sessions, url.searchParams));
      if (request.method !== 'POST') return send(response, 405, notFoundError());
      const key = request.headers['idempotency-key'];
      const replay = typeof key === 'string' ? byKey.get(key) : undefined;
      if (replay) return send(response, 200, replay);
      counter += 1;
      const session = sessionOf(parseFormBody(body), `cs_test_${counter}_${Date.now()}`);
      sessions.push(session);
      if (typeof key === 'string') byKey.set(key, session);
      return send(response, 200, session);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const find = (id: string) => {
    const session = sessions.find((candidate) => candidate.id === id);
    if (!session) throw new Error(`fake Stripe: no session ${id}`);
    return session;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    sessions: () => sessions,
    session: find,
    pay: (id) => {
      const session = find(id);
      session.status = 'complete';
      session.payment_status = 'paid';
      session.payment_intent ??= `pi_${id}`;
      return session;
    },
    setOutage: (on) => {
      outage = on;
    },
    requestCount: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function sessionOf(form: ReturnType<typeof parseFormBody>, id: string): FakeSession {
  const item = formObject(formObject(formObject(form.line_items)['0']).price_data);
  const amount = formString(item.unit_amount);
  const metadata = formObject(form.metadata) as Record<string, string>;
  const subscription = formObject(form.subscription_data);
  const subscriptionMetadata = formObject(subscription.metadata) as Record<string, string>;
  return {
    id,
    object: 'checkout.session',
    mode: formString(form.mode) ?? 'payment',
    status: 'open',
    payment_status: 'unpaid',
    client_reference_id: formString(form.client_reference_id) ?? null,
    metadata,
    amount_total: amount === undefined ? null : Number(amount),
    currency: formString(item.currency) ?? null,
    payment_intent: null,
    ...(subscription.metadata
      ? { subscription_data: { metadata: subscriptionMetadata } }
      : {}),
    created: Math.floor(Date.now() / 1000),
    url: `https://checkout.stripe.test/c/pay/${id}`,
  };
}

function list(sessions: readonly FakeSession[], query: URLSearchParams) {
  const since = Number(query.get('created[gte]') ?? '0');
  const limit = Number(query.get('limit') ?? PAGE_LIMIT_DEFAULT);
  const after = query.get('starting_after');
  const newestFirst = [...sessions].reverse().filter((session) => session.created >= since);
  const start = after ? newestFirst.findIndex((session) => session.id === after) + 1 : 0;
  const data = newestFirst.slice(start, start + limit);
  const has_more = start + limit < newestFirst.length;
  return { object: 'list', url: '/v1/checkout/sessions', has_more, data };
}

const notFoundError = () => ({ error: { type: 'invalid_request_error', message: 'no route' } });

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** A Stripe event around `object`, as the webhook would carry it. */
export function stripeEvent(
  id: string,
  type: string,
  object: object,
  created = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  return { id, object: 'event', type, created, livemode: false, data: { object } };
}

/** POSTs `body` to `url` signed as Stripe signs webhooks (`t=...,v1=...`). */
export async function deliverWebhook(
  url: string,
  body: string,
  secret: string,
  options: { timestamp?: number; signature?: string } = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? signStripePayload(body, secret, timestamp);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    body,
  });
}
