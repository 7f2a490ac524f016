// Steps of the card top-up scenarios: request a top-up over HTTP, build the webhook Stripe
// would send for its Checkout Session (from the fake Stripe server's copy of the session),
// deliver it signed, and read the results back (the top-up's status, the wallet's top-up
// credits straight from the event log, the clearing account's balance).
import { randomUUID } from 'node:crypto';
import { deliverWebhook, stripeEvent, type FakeSession } from '../../shared/testing/fake-stripe-server';
import { call, type Reply, type User } from './api';
import { eventually, storedStream, storedWalletEvents } from './ledger-checks';
import type { TestApp } from './test-app';

export const WEBHOOK_SECRET = 'whsec_test_secret_for_the_fake_stripe';

export const stripeEnv = (apiBase: string) => ({
  STRIPE_SECRET_KEY: 'sk_test_fake',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_BASE: apiBase,
});

export function requestTopUp(
  app: TestApp,
  user: User,
  walletId: string,
  amount: string,
  key: string = randomUUID(),
): Promise<Reply> {
  return call(app, 'POST', `/v1/wallets/${walletId}/top-ups`, {
    token: user.token,
    headers: { 'idempotency-key': key },
    body: { amount, currency: 'MYR' },
  });
}

/** The JSON body of a Checkout webhook about `session`, as Stripe would send it. */
export function checkoutWebhook(
  session: FakeSession,
  type: string,
  eventId = `evt_${randomUUID().replace(/-/g, '')}`,
  overrides: Partial<FakeSession> = {},
): string {
  return JSON.stringify(stripeEvent(eventId, type, { ...session, ...overrides }));
}

export const sendWebhook = (
  app: TestApp,
  body: string,
  options: { timestamp?: number; signature?: string } = {},
) =>
  deliverWebhook(`${app.url}/v1/webhooks/stripe`, body, WEBHOOK_SECRET, options);

/** The top-up's public status; with `position`, once the read models include it. */
export async function topUpStatus(
  app: TestApp,
  user: User,
  topUpId: string,
  position?: string,
): Promise<string> {
  const headers: Record<string, string> = position ? { 'x-min-position': position } : {};
  const reply = await call(app, 'GET', `/v1/top-ups/${topUpId}`, { token: user.token, headers });
  return reply.status === 200 ? reply.body.status : `http ${reply.status}`;
}

/** Waits until the top-up reads `status` (the projector catches up). */
export const topUpBecomes = (app: TestApp, user: User, topUpId: string, status: string) =>
  eventually(
    async () => ((await topUpStatus(app, user, topUpId)) === status ? status : undefined),
    `top-up ${topUpId} ${status}`,
  );

/** The wallet's top-up credits, straight from its stream: "WalletCredited <amount> <id>". */
export async function topUpCredits(app: TestApp, walletId: string): Promise<string[]> {
  const events = await storedWalletEvents(app, walletId);
  return events
    .filter((event) => event.type === 'WalletCredited' && event.data.movementKind === 'top_up')
    .map((event) => `WalletCredited ${String(event.data.amountMinor)} ${String(event.data.movementId)}`);
}

/** The top-up credits of one top-up on the wallet (at most one, whatever Stripe did). */
export const creditsFor = async (app: TestApp, walletId: string, topUpId: string) =>
  (await topUpCredits(app, walletId)).filter((line) => line.endsWith(topUpId));

/** The clearing account's balance from its events (it goes negative as wallets are credited). */
export async function clearingBalance(app: TestApp, currency = 'MYR'): Promise<bigint> {
  const events = await storedStream(app, `wallet-system-stripe_clearing-${currency}`);
  let balance = 0n;
  for (const event of events) {
    if (event.type === 'WalletCredited') balance += BigInt(String(event.data.amountMinor));
    if (event.type === 'WalletDebited') balance -= BigInt(String(event.data.amountMinor));
  }
  return balance;
}
