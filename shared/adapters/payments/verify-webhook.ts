// The port's verifyWebhook, shared by both adapters: the signature over the exact bytes first
// (stripe-signature.ts), then the body parsed as JSON and checked for the fields every Stripe
// event has. Nothing here trusts the body before its signature matched.
import { z } from 'zod/v4';
import type { WebhookVerification } from '../../ports/payments.port';
import { StripeSignatureError, verifyStripeSignature } from './stripe-signature';

const EventShape = z.looseObject({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().nonnegative(),
  data: z.looseObject({ object: z.record(z.string(), z.unknown()) }),
});

export function verifyWebhookWith(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
  now: Date,
): WebhookVerification {
  try {
    verifyStripeSignature({ rawBody, header, secret, now });
  } catch (error) {
    if (error instanceof StripeSignatureError) return { ok: false, reason: error.reason };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad_body' };
  }
  const parsed = EventShape.safeParse(json);
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, reason: 'bad_body' };
}
