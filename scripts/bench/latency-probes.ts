// End-to-end latency probes that run beside the transfer load: one probe at a time, so each
// result is matched without ids (the probe's recipient receives nothing but probe mail).
// `transferToMail`: from a transfer's 201 to its recipient's e-mail at the SMTP server, i.e.
// through the log, the notifications consumer and SMTP. Latencies are integer microseconds,
// as runLoad records them; a probe that sees nothing within PROBE_WAIT_MS_MAX counts as lost.
import { randomUUID } from 'node:crypto';
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
