// `npm run bench`: durable transfers per second through the command API (p50/p99 latency),
// against the bare transfer transaction through the event store at the same concurrency (the
// ceiling) in the same run, plus the server's peak RSS. Beside the load, latency probes
// (latency-probes.ts) time a Stripe webhook to the credited balance and a transfer to its
// e-mail (p50/p99), each idle first as its baseline. The server talks to a fake Stripe and an
// SMTP server in this process.
// Figures are reported as ratios too, since these machines are shared and noisy. Knobs:
// BENCH_WALLETS, BENCH_CLIENTS, BENCH_SECONDS; DATABASE_URL is the admin connection (a fresh
// database is made and dropped).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import { migrate } from '../../shared/adapters/postgres/migrate';
import { domainEventCodec } from '../../shared/domain/event-codec';
import { databaseUrl } from '../../shared/testing/test-env';
import { percentileMs, runLoad } from './http-load';
import { bareTransfers } from './bare-transfers';
import { seedWallets } from './seed-ledger';
import { benchReplay } from './replay.bench';
import { transferToMail, webhookToCredit, type ProbeResult } from './latency-probes';
import { startSmtpTestServer, type SmtpTestServer } from '../../shared/testing/smtp-test-server';
import {
  startFakeStripeServer, type FakeStripeServer,
} from '../../shared/testing/fake-stripe-server';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WALLETS = Number(process.env.BENCH_WALLETS ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 100_000);
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const PORT = 39_000 + Math.floor(Math.random() * 1000);
const PROBE_INTERVAL_MS = 250;
const WEBHOOK_SECRET = 'whsec_bench_secret';
const IDLE_PROBE_MS = 3_000;

async function main(): Promise<void> {
  const database = `tng_bench_${Date.now().toString(36)}`;
  await admin(`create database ${database}`);
  const url = databaseUrl(ADMIN_URL, database);
  let server: ChildProcess | undefined;
  const smtp = await startSmtpTestServer();
  const stripe = await startFakeStripeServer();
  try {
    await migrate(url);
    server = await startServer(url, smtp, stripe);
    const store = new PostgresEventStore({
      connection: { url, poolSizeMax: 16 },
      codec: domainEventCodec,
    });
    log(`seeding ${WALLETS} funded wallets`);
    const wallets = await seedWallets(store, {
      wallets: WALLETS,
      fundingMinor: 400_000n,
      jwtSecret: JWT_SECRET,
    });
    const [sender, recipient, toppedUp] = await seedWallets(store, {
      wallets: 3, fundingMinor: 400_000n, jwtSecret: JWT_SECRET,
    });
    const base = `http://127.0.0.1:${PORT}`;
    const intervalMs = PROBE_INTERVAL_MS;
    const probeMail = (durationMs: number) => transferToMail({ url: base, smtp,
      sender: sender!, recipient: recipient!, durationMs, intervalMs });
    const probeWebhook = (durationMs: number) => webhookToCredit({ url: base, stripe,
      webhookSecret: WEBHOOK_SECRET, wallet: toppedUp!, durationMs, intervalMs });
    log(`probes, idle: ${IDLE_PROBE_MS} ms each of webhook -> credit and transfer -> e-mail`);
    const idleWebhook = await probeWebhook(IDLE_PROBE_MS);
    const idleMail = await probeMail(IDLE_PROBE_MS);
    log(`HTTP: ${CLIENTS} clients, ${SECONDS} s of POST /v1/transfers, with probes`);
    const mailsBefore = smtp.received.length;
    const loadedMail = probeMail(SECONDS * 1000);
    const loadedWebhook = probeWebhook(SECONDS * 1000);
    const http = await runLoad({
      url: `http://127.0.0.1:${PORT}`,
      concurrency: CLIENTS,
      durationMs: SECONDS * 1000,
      next: (client, sequence) => {
        // Each client spends from its own wallets, as real payers do; targets are random.
        const perClient = Math.max(1, Math.floor(WALLETS / CLIENTS));
        const sourceIndex = (client + CLIENTS * (sequence % perClient)) % WALLETS;
        const source = wallets[sourceIndex]!;
        let targetIndex = Math.floor(Math.random() * WALLETS);
        if (targetIndex === sourceIndex) targetIndex = (targetIndex + 1) % WALLETS;
        const to = wallets[targetIndex]!;
        return {
          path: '/v1/transfers',
          headers: { authorization: `Bearer ${source.token}`, 'idempotency-key': randomUUID() },
          body: JSON.stringify({
            sourceWalletId: source.walletId,
            targetWalletId: to.walletId,
            amount: String(1 + (sequence % 100)),
            currency: 'MYR',
          }),
        };
      },
    });
    // E-mails the SMTP server accepted while the transfers ran: the notifications' throughput.
    const mailsAccepted = smtp.received.length - mailsBefore;
    const mail = { idle: idleMail, loaded: await loadedMail, mailsAccepted };
    const webhook = { idle: idleWebhook, loaded: await loadedWebhook };
    const rssMb = peakRssMb(server.pid!);
    log(`bare: ${CLIENTS} concurrent transfer transactions through the event store`);
    const bare = await bareTransfers(
      store,
      wallets.map((w) => w.walletId),
      CLIENTS,
      SECONDS * 1000,
    );
    log(`replay: one wallet with ${REPLAY_EVENTS} events`);
    const replay = await benchReplay(store, REPLAY_EVENTS);
    await store.close();
    report({ http, bare, rssMb, replay, mail, webhook });
  } finally {
    server?.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await smtp.stop();
    await stripe.stop();
    await admin(`drop database if exists ${database} with (force)`);
  }
}

function report(r: {
  http: Awaited<ReturnType<typeof runLoad>>;
  bare: { transfers: number; seconds: number };
  rssMb: number;
  replay: Awaited<ReturnType<typeof benchReplay>>;
  mail: ProbeProbes & { mailsAccepted: number };
  webhook: ProbeProbes;
}): void {
  const created = r.http.byStatus['201'] ?? 0;
  const httpTps = created / r.http.seconds;
  const bareTps = r.bare.transfers / r.bare.seconds;
  const figures = {
    wallets: WALLETS,
    clients: CLIENTS,
    seconds: SECONDS,
    http: {
      transfersPerSecond: Math.round(httpTps),
      statuses: r.http.byStatus,
      p50Ms: percentileMs(r.http.latenciesUs, 50),
      p99Ms: percentileMs(r.http.latenciesUs, 99),
    },
    bare: { transfersPerSecond: Math.round(bareTps) },
    httpToBareRatio: Number((httpTps / bareTps).toFixed(2)),
    serverPeakRssMb: r.rssMb,
    auditReplay: r.replay,
    webhookToCreditedBalance: probeReport(r.webhook),
    transferToEmail: {
      ...probeReport(r.mail),
      // Each transfer mails both parties: below 2 per transfer, the mail queue grows.
      mailsPerSecondDuringLoad: Math.round(r.mail.mailsAccepted / r.http.seconds),
      mailsPerTransferDuringLoad: created > 0
        ? Number((r.mail.mailsAccepted / created).toFixed(2)) : null,
    },
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

type ProbeProbes = { idle: ProbeResult; loaded: ProbeResult };

const probeReport = ({ idle, loaded }: ProbeProbes) => ({
  idle: probeFigures(idle),
  loaded: probeFigures(loaded),
  loadedToIdleP50Ratio: ratio(percentileMs(loaded.latenciesUs, 50),
    percentileMs(idle.latenciesUs, 50)),
});

const probeFigures = (probe: ProbeResult) => ({
  probes: probe.latenciesUs.length,
  lost: probe.lost,
  p50Ms: percentileMs(probe.latenciesUs, 50),
  p99Ms: percentileMs(probe.latenciesUs, 99),
});

const ratio = (value: number, baseline: number) =>
  baseline > 0 ? Number((value / baseline).toFixed(2)) : null;

async function startServer(
  url: string,
  smtp: SmtpTestServer,
  stripe: FakeStripeServer,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server.
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      path.resolve(__dirname, '../../bin/tng.cjs'),
      'serve',
      // BENCH_SERVICES, e.g. "command-api", measures the command path without the projector.
      ...(process.env.BENCH_SERVICES ?? '').split(' ').filter(Boolean),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: url,
        PORT: String(PORT),
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
        JWT_SECRET,
        SMTP_URL: smtp.url,
        STRIPE_SECRET_KEY: 'sk_test_bench',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_BASE: stripe.url,
        ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
      },
      // The server's banner and logs go to stderr, so stdout is the one JSON document.
      stdio: ['ignore', process.stderr, process.stderr],
    },
  );
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const ready = await fetch(`http://127.0.0.1:${PORT}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready');
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : -1;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
