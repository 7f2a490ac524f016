// Verifies Stripe's `Stripe-Signature` webhook header: `t=<unix seconds>,v1=<hex>[,v1=...]`,
// where each v1 is HMAC-SHA256(secret, `${t}.${rawBody}`). Checked over the RAW body bytes as
// received: a body parsed and re-serialized (other spacing or key order) no longer matches,
// which is the point. The timestamp must be within the tolerance of our clock (300 s, as
// Stripe's libraries default), so a captured delivery cannot be replayed later. Same scheme as
// `stripe.webhooks.constructEvent`, done here to return typed errors and to take the clock as
// an argument (tests, and the built-in simulator that signs its own webhooks).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

export type StripeSignatureFailure = 'malformed_header' | 'bad_signature' | 'stale_timestamp';

/** Every failure is to be answered 400 `invalid_signature`; `reason` is for logs and metrics. */
export class StripeSignatureError extends Error {
  override readonly name = 'StripeSignatureError';
  constructor(
    readonly reason: StripeSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

export type VerifyStripeSignature = Readonly<{
  rawBody: string | Buffer;
  header: string | undefined;
  secret: string;
  now: Date;
  toleranceSeconds?: number;
}>;

/** Returns the signed timestamp (unix seconds) when the header is valid; throws otherwise. */
export function verifyStripeSignature(input: VerifyStripeSignature): number {
  const { timestamp, signatures } = parseHeader(input.header);
  const expected = createHmac('sha256', input.secret)
    .update(`${timestamp}.`, 'utf8')
    .update(typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody)
    .digest();
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new StripeSignatureError('bad_signature', 'no v1 signature matches the body');
  // Checked after the signature, so a forged header cannot probe our clock.
  const tolerance = input.toleranceSeconds ?? STRIPE_SIGNATURE_TOLERANCE_SECONDS;
  const ageSeconds = Math.abs(Math.floor(input.now.getTime() / 1000) - timestamp);
  if (ageSeconds > tolerance) {
    throw new StripeSignatureError('stale_timestamp', `signed ${ageSeconds} s away from now`);
  }
  return timestamp;
}

/** `t=...` once, and one or more `v1=...` of 64 hex digits; other schemes (v0) are ignored. */
function parseHeader(header: string | undefined): { timestamp: number; signatures: string[] } {
  if (header === undefined || header.length === 0 || header.length > 4096) {
    throw new StripeSignatureError('malformed_header', 'missing Stripe-Signature header');
  }
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (separator < 0) continue;
    if (key === 't' && /^[0-9]{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value);
  }
  if (timestamp === null) throw new StripeSignatureError('malformed_header', 'no timestamp (t=)');
  if (signatures.length === 0) {
    throw new StripeSignatureError('malformed_header', 'no v1 signature');
  }
  return { timestamp, signatures };
}

/**
 * The `Stripe-Signature` header Stripe would send for `payload` at `timestamp` (unix seconds):
 * used by the built-in simulator, which signs its own webhooks, and by the fake Stripe server.
 */
export function signStripePayload(
  payload: string | Buffer,
  secret: string,
  timestamp: number,
): string {
  const signature = createHmac('sha256', secret)
    .update(`${timestamp}.`, 'utf8')
    .update(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload)
    .digest('hex');
  return `t=${timestamp},v1=${signature}`;
}
