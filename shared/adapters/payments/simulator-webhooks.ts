// The webhooks the simulator's Pay button sends, shaped as Stripe's: for a top-up session
// `checkout.session.completed` with payment_status paid; for the premium checkout also
// `customer.subscription.created` (status active, metadata.userId). Event ids derive from the
// session, so pressing Pay twice sends the same events again, which our webhook dedupes.
import { signStripePayload } from './stripe-signature';
import type { SimulatorSession } from './simulator-sessions';

export type SimulatorEvent = Readonly<{ id: string; body: string }>;

export function paidEvents(session: SimulatorSession, now: Date): SimulatorEvent[] {
  const created = Math.floor(now.getTime() / 1000);
  const object = {
    id: session.id,
    object: 'checkout.session',
    mode: session.mode,
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: session.clientReferenceId,
    metadata: session.metadata,
    amount_total: session.amountTotalMinor === null ? null : Number(session.amountTotalMinor),
    currency: session.currency?.toLowerCase() ?? null,
    payment_intent: session.paymentIntent,
    created: session.created,
  };
  const events = [event(`evt_sim_${session.id}_completed`, 'checkout.session.completed', object, created)];
  if (session.mode === 'subscription') {
    const subscription = {
      id: `sub_sim_${session.id}`,
      object: 'subscription',
      status: 'active',
      metadata: session.metadata,
      created,
    };
    events.push(
      event(`evt_sim_${session.id}_subscription`, 'customer.subscription.created', subscription, created),
    );
  }
  return events;
}

function event(id: string, type: string, object: object, created: number): SimulatorEvent {
  const body = JSON.stringify({ id, object: 'event', type, created, livemode: false, data: { object } });
  return { id, body };
}

/** POSTs a signed event to our own webhook route; resolves with the HTTP status. */
export async function sendSignedWebhook(
  webhookUrl: string,
  event: SimulatorEvent,
  secret: string,
  now: Date,
): Promise<number> {
  const signature = signStripePayload(event.body, secret, Math.floor(now.getTime() / 1000));
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    body: event.body,
  });
  await response.arrayBuffer();
  return response.status;
}
