// Chooses the payments adapter (docs/operations.md, configuration): Stripe when
// STRIPE_SECRET_KEY is set (STRIPE_WEBHOOK_SECRET is then required; STRIPE_API_BASE points
// the client elsewhere, e.g. at a test's fake), else the built-in simulator, whose pages
// (simulator.routes.ts) exist only in that mode.
import type { Pool } from 'pg';
import type { Config } from '../../shared/config/load-config';
import { ConfigError } from '../../shared/config/load-config';
import { createSimulatorPayments, type SimulatorPayments } from '../../shared/adapters/payments/simulator.payments';
import { createStripePayments } from '../../shared/adapters/payments/stripe.payments';
import type { PaymentsPort } from '../../shared/ports/payments.port';

export type ChosenPayments = Readonly<{
  payments: PaymentsPort;
  /** Set in simulator mode: its pages are to be served. */
  simulator: SimulatorPayments | null;
}>;

export async function openPayments(
  config: Config,
  pool: Pool,
  serverUrl: () => string,
): Promise<ChosenPayments> {
  if (config.STRIPE_SECRET_KEY === undefined) {
    const simulator = await createSimulatorPayments(pool, serverUrl);
    return { payments: simulator, simulator };
  }
  if (config.STRIPE_WEBHOOK_SECRET === undefined) {
    throw new ConfigError('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY');
  }
  const payments = createStripePayments({
    secretKey: config.STRIPE_SECRET_KEY,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    returnUrl: serverUrl,
    ...(config.STRIPE_API_BASE ? { apiBase: config.STRIPE_API_BASE } : {}),
  });
  return { payments, simulator: null };
}
