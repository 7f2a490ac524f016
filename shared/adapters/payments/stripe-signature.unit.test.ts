// Goal: a header Stripe's own library signs is accepted; a wrong secret, a timestamp more than
// 300 s away, a malformed header and a re-serialized body are refused with typed reasons.
import Stripe from 'stripe';
import {
  StripeSignatureError,
  verifyStripeSignature,
  type StripeSignatureFailure,
} from './stripe-signature';

const SECRET = 'whsec_test_secret';
const stripe = new Stripe('sk_test_unused');
const NOW = new Date('2025-03-10T08:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const body = JSON.stringify(
  { id: 'evt_1', type: 'checkout.session.completed', data: { object: { id: 'cs_1' } } },
  null,
  2,
);
const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}): string =>
  stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? NOW_SECONDS,
  });

const failureOf = (run: () => unknown): StripeSignatureFailure | null => {
  try {
    run();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(StripeSignatureError);
    return (error as StripeSignatureError).reason;
  }
};

test("accepts a header signed by Stripe's library, over the raw body string or bytes", () => {
  const header = sign(body);
  expect(verifyStripeSignature({ rawBody: body, header, secret: SECRET, now: NOW })).toBe(
    NOW_SECONDS,
  );
  const bytes = Buffer.from(body, 'utf8');
  expect(verifyStripeSignature({ rawBody: bytes, header, secret: SECRET, now: NOW })).toBe(
    NOW_SECONDS,
  );
});

test('agrees with stripe.webhooks.constructEvent on the same header', () => {
  const header = sign(body, { timestamp: Math.floor(Date.now() / 1000) });
  expect(stripe.webhooks.constructEvent(body, header, SECRET).id).toBe('evt_1');
  expect(() =>
    verifyStripeSignature({ rawBody: body, header, secret: SECRET, now: new Date() }),
  ).not.toThrow();
});

/** Verifies `body` (or another raw body) under `header` with our secret at NOW. */
const verify = (header: string | undefined, rawBody: string = body) => () =>
  verifyStripeSignature({ rawBody, header, secret: SECRET, now: NOW });

test('accepts within the tolerance, either side of our clock', () => {
  for (const skew of [-300, 300]) {
    expect(failureOf(verify(sign(body, { timestamp: NOW_SECONDS + skew })))).toBeNull();
  }
});

const reserialized = JSON.stringify(JSON.parse(body));
const retimed = sign(body).replace(/t=\d+/, `t=${NOW_SECONDS - 1}`);

test.each<[string, () => unknown, StripeSignatureFailure]>([
  ['a wrong secret', verify(sign(body, { secret: 'whsec_other' })), 'bad_signature'],
  ['a timestamp older than 300 s', verify(sign(body, { timestamp: NOW_SECONDS - 301 })), 'stale_timestamp'],
  ['a timestamp more than 300 s ahead', verify(sign(body, { timestamp: NOW_SECONDS + 301 })), 'stale_timestamp'],
  ['a re-serialized body (other spacing)', verify(sign(body), reserialized), 'bad_signature'],
  ['a timestamp changed after signing', verify(retimed), 'bad_signature'],
  ['no header', verify(undefined), 'malformed_header'],
  ['an empty header', verify(''), 'malformed_header'],
  ['no timestamp', verify(`v1=${'a'.repeat(64)}`), 'malformed_header'],
  ['no v1 signature', verify(`t=${NOW_SECONDS},v0=abc`), 'malformed_header'],
  ['garbage', verify('not a header'), 'malformed_header'],
])('refuses %s', (_name, run, reason) => expect(failureOf(run)).toBe(reason));
