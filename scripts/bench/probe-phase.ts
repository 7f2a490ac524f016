// Phase 2 of `npm run bench` (docs/performance.md, "The bench table"): the latency probes
// (latency-probes.ts) on a scratch database and server of their own, with a fake Stripe and
// an SMTP server in this process: each probe idle first (its baseline), then beside a
// transfer load. Apart from the table, because the notifications consumer sends far fewer
// e-mails a second than a transfer load asks for, and that backlog would keep the server busy
// through every measure after it.
import type { ChildProcess } from 'node:child_process';
import { startSmtpTestServer } from '../../shared/testing/smtp-test-server';
import { startFakeStripeServer } from '../../shared/testing/fake-stripe-server';
import {
  FUNDING_MINOR, JWT_SECRET, freePort, log, openStore, round2, scratchDatabase, seedOwnedWallets,
  settle, startTng, stopTng,
} from './bench-runtime';
import { percentileMs, runLoad } from './http-load';
import { transferToMail, webhookToCredit, type ProbeResult } from './latency-probes';
import { seedWallets } from './seed-ledger';
import { transferRequests } from './transfer-load';

const PROBE_INTERVAL_MS = 250;
const WEBHOOK_SECRET = 'whsec_bench_secret';
const IDLE_PROBE_MS = 3_000;

export async function probePhase(options: {
  seconds: number;
  clients: number;
  wallets: number;
}) {
  const scratch = await scratchDatabase('tng_bench_probes');
  const smtp = await startSmtpTestServer();
  const stripe = await startFakeStripeServer();
  let server: ChildProcess | undefined;
  try {
    const port = freePort();
    server = await startTng(scratch.url, port, {
      SMTP_URL: smtp.url, STRIPE_SECRET_KEY: 'sk_test_bench',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url,
    });
    const store = openStore(scratch.url);
    const wallets = await seedOwnedWallets(store, options.wallets);
    const [sender, recipient, toppedUp] = await seedWallets(store, {
      wallets: 3, fundingMinor: FUNDING_MINOR, jwtSecret: JWT_SECRET,
    });
    await store.close();
    // The probes read balances from the read model: it must have the new wallets first.
    await settle(scratch.url, [sender!, recipient!, toppedUp!]);
    const base = `http://127.0.0.1:${port}`;
    const intervalMs = PROBE_INTERVAL_MS;
    const probeMail = (durationMs: number) => transferToMail({ url: base, smtp,
      sender: sender!, recipient: recipient!, durationMs, intervalMs });
    const probeWebhook = (durationMs: number) => webhookToCredit({ url: base, stripe,
      webhookSecret: WEBHOOK_SECRET, wallet: toppedUp!, durationMs, intervalMs });
    log(`probes, idle: ${IDLE_PROBE_MS} ms each of webhook -> credit and transfer -> e-mail`);
    const idleWebhook = await probeWebhook(IDLE_PROBE_MS);
    const idleMail = await probeMail(IDLE_PROBE_MS);
    log(`probes beside ${options.seconds} s of transfers from ${options.clients} clients`);
    const mailsBefore = smtp.received.length;
    const loadedMail = probeMail(options.seconds * 1000);
    const loadedWebhook = probeWebhook(options.seconds * 1000);
    const load = await runLoad({
      url: base,
      concurrency: options.clients,
      durationMs: options.seconds * 1000,
      next: transferRequests(wallets),
    });
    // E-mails the SMTP server accepted while the transfers ran: the notifications' throughput.
    const mailsAccepted = smtp.received.length - mailsBefore;
    const created = load.byStatus['201'] ?? 0;
    const mail = { idle: idleMail, loaded: await loadedMail };
    const webhook = { idle: idleWebhook, loaded: await loadedWebhook };
    return {
      load: { transfersPerSecond: Math.round(created / load.seconds), statuses: load.byStatus },
      webhookToCreditedBalance: probeReport(webhook),
      transferToEmail: {
        ...probeReport(mail),
        // Each transfer mails both parties: below 2 per transfer, the mail queue grows.
        mailsPerSecondDuringLoad: Math.round(mailsAccepted / load.seconds),
        mailsPerTransferDuringLoad: created > 0 ? round2(mailsAccepted / created) : null,
      },
    };
  } finally {
    await stopTng(server);
    await smtp.stop();
    await stripe.stop();
    await scratch.drop();
  }
}

type ProbePair = { idle: ProbeResult; loaded: ProbeResult };

const probeReport = ({ idle, loaded }: ProbePair) => ({
  idle: probeFigures(idle),
  loaded: probeFigures(loaded),
  loadedToIdleP50Ratio: ratioOrNull(percentileMs(loaded.latenciesUs, 50),
    percentileMs(idle.latenciesUs, 50)),
});

const probeFigures = (probe: ProbeResult) => ({
  probes: probe.latenciesUs.length,
  lost: probe.lost,
  p50Ms: percentileMs(probe.latenciesUs, 50),
  p99Ms: percentileMs(probe.latenciesUs, 99),
});

const ratioOrNull = (value: number, baseline: number) =>
  baseline > 0 ? round2(value / baseline) : null;
