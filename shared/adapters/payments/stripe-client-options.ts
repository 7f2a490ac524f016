// The Stripe client's options from configuration: STRIPE_API_BASE (tests point it at a local
// fake, docs/operations.md) split into host, port and protocol, as the `stripe` package takes
// them. Options are explicit rather than the library's defaults: one network retry (our
// idempotency keys make it safe) and a timeout well under an HTTP client's patience.
export const STRIPE_TIMEOUT_MS = 10_000;
export const STRIPE_NETWORK_RETRIES_MAX = 1;

export type StripeClientOptions = Readonly<{
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  timeout: number;
  maxNetworkRetries: number;
  telemetry: false;
}>;

export function stripeClientOptions(apiBase: string | undefined): StripeClientOptions {
  const base = { timeout: STRIPE_TIMEOUT_MS, maxNetworkRetries: STRIPE_NETWORK_RETRIES_MAX };
  if (apiBase === undefined) return { ...base, telemetry: false };
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
  return { ...base, host: url.hostname, port, protocol, telemetry: false };
}
