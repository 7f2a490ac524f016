// End-to-end latency probes that run beside the transfer load: one probe at a time, so each
// result is matched without ids (the probe's recipient receives nothing but probe mail).
// `transferToMail`: from a transfer's 201 to its recipient's e-mail at the SMTP server, i.e.
// through the log, the notifications consumer and SMTP. Latencies are integer microseconds,
// as runLoad records them; a probe that sees nothing within PROBE_WAIT_MS_MAX counts as lost.
// `webhookToCredit`: from sending a signed `checkout.session.completed` (as Stripe would, for
// a top-up requested over HTTP from the fake Stripe server) to the credited balance on the
// query API, i.e. through verification, the one-transaction credit and the projector.
import { randomUUID } from 'node:crypto';
import { deliverWebhook, stripeEvent, type FakeStripeServer } from '../../shared/testing/fake-stripe-server';
import type { SmtpTestServer } from '../../shared/testing/smtp-test-server';
import type { SeededWallet } from './seed-ledger';

export const PROBE_WAIT_MS_MAX = 60_000;
const POLL_MS = 5;

export type ProbeResult = { latenciesUs: number[]; lost: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsedUs = (t0: bigint) => Number((process.hrtime.bigint() - t0) / 1000n);

/** Polls `arrived` until true or PROBE_WAIT_MS_MAX; the latency since t0, or null if lost. */
async function timeUntil(t0: bigint, arrived: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + PROBE_WAIT_MS_MAX;
  while (Date.now() < deadline) {
    if (await arrived()) return elapsedUs(t0);
    await sleep(POLL_MS);
  }
  return null;
}

/** Probes until `until` (epoch ms), one every `intervalMs` at most. */
async function probeLoop(until: number, intervalMs: number,
  probe: () => Promise<number | null>): Promise<ProbeResult> {
  const result: ProbeResult = { latenciesUs: [], lost: 0 };
  while (Date.now() < until) {
    const started = Date.now();
    const latencyUs = await probe();
    if (latencyUs === null) result.lost += 1;
    else result.latenciesUs.push(latencyUs);
    await sleep(Math.max(0, intervalMs - (Date.now() - started)));
  }
  return result;
}

async function postJson(url: string, token: string, body: unknown) {
  const reply = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`,
      'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

async function balanceOf(url: string, wallet: SeededWallet): Promise<bigint> {
  const reply = await fetch(`${url}/v1/wallets/${wallet.walletId}`,
    { headers: { authorization: `Bearer ${wallet.token}` } });
  const body = (await reply.json()) as { balance: string };
  return BigInt(body.balance);
}

const TOP_UP_MINOR = 100n;

export function webhookToCredit(options: {
  url: string;
  stripe: FakeStripeServer;
  webhookSecret: string;
  wallet: SeededWallet;
  durationMs: number;
  intervalMs: number;
}): Promise<ProbeResult> {
  const { url, stripe, wallet } = options;
  return probeLoop(Date.now() + options.durationMs, options.intervalMs, async () => {
    const requested = await postJson(`${url}/v1/wallets/${wallet.walletId}/top-ups`,
      wallet.token, { amount: TOP_UP_MINOR.toString(), currency: 'MYR' });
    if (requested.status !== 201) return null;
    const session = stripe.sessions()
      .find((candidate) => candidate.client_reference_id === requested.body.topUpId);
    if (!session) return null;
    const before = await balanceOf(url, wallet);
    const event = stripeEvent(`evt_${randomUUID().replace(/-/g, '')}`,
      'checkout.session.completed', stripe.pay(session.id));
    const t0 = process.hrtime.bigint();
    const delivered = await deliverWebhook(`${url}/v1/webhooks/stripe`, JSON.stringify(event),
      options.webhookSecret);
    await delivered.arrayBuffer();
    if (delivered.status !== 200) return null;
    return timeUntil(t0, async () => (await balanceOf(url, wallet)) === before + TOP_UP_MINOR);
  });
}

export function transferToMail(options: {
  url: string;
  smtp: SmtpTestServer;
  sender: SeededWallet;
  recipient: SeededWallet;
  durationMs: number;
  intervalMs: number;
}): Promise<ProbeResult> {
  const { smtp, sender, recipient } = options;
  const mailsTo = (address: string) =>
    smtp.received.filter((mail) => mail.envelopeTo.includes(address)).length;
  let expected = mailsTo(recipient.email);
  return probeLoop(Date.now() + options.durationMs, options.intervalMs, async () => {
    const reply = await fetch(`${options.url}/v1/transfers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sender.token}`,
        'idempotency-key': randomUUID() },
      body: JSON.stringify({ sourceWalletId: sender.walletId, targetWalletId: recipient.walletId,
        amount: '1', currency: 'MYR', note: 'latency probe' }),
    });
    await reply.arrayBuffer();
    if (reply.status !== 201) return null;
    const t0 = process.hrtime.bigint();
    expected += 1;
    const latency = await timeUntil(t0, () => mailsTo(recipient.email) >= expected);
    // A lost probe's mail may still come: count what is there, so the next probe is matched.
    if (latency === null) expected = mailsTo(recipient.email);
    return latency;
  });
}
