// A short transfer load against `tng serve`, for comparing two builds or two settings side
// by side (run it in each checkout in turn, alternating): a scratch database, wallets seeded
// for owners of 20 (bench-runtime.ts), 64 HTTP clients for PROBE_WARMUP_SECONDS untimed, then
// PROBE_SECONDS timed. Prints one JSON line: transfers/s, statuses, p99, the server's peak
// RSS, and the version conflicts its transfers met. The bench table (bench.ts) is the
// measure of record; this is the quick look used in docs/performance.md.
//   PROBE_WALLETS=40 PROBE_SECONDS=8 [BACKGROUND_THREAD=off] \
//     node bin/run-ts.cjs scripts/bench/transfer-probe.ts
import { percentileMs, runLoad } from './http-load';
import {
  freePort, openStore, peakRssMb, scratchDatabase, seedOwnedWallets, startTng, stopTng,
} from './bench-runtime';
import { transferRequests } from './transfer-load';

const WALLETS = Number(process.env.PROBE_WALLETS ?? 40);
const SECONDS = Number(process.env.PROBE_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.PROBE_WARMUP_SECONDS ?? 4);
const CLIENTS = 64;

async function main(): Promise<void> {
  const scratch = await scratchDatabase('tng_probe');
  const port = freePort();
  // The server inherits this process's environment (BACKGROUND_THREAD included).
  const server = await startTng(scratch.url, port, {});
  try {
    const store = openStore(scratch.url);
    const wallets = await seedOwnedWallets(store, WALLETS);
    await store.close();
    const url = `http://127.0.0.1:${port}`;
    const next = transferRequests(wallets);
    await runLoad({ url, concurrency: CLIENTS, durationMs: WARMUP_SECONDS * 1000, next });
    const conflictsBefore = await transferConflicts(url);
    const load = await runLoad({ url, concurrency: CLIENTS, durationMs: SECONDS * 1000, next });
    process.stdout.write(`${JSON.stringify({
      wallets: WALLETS,
      backgroundThread: process.env.BACKGROUND_THREAD ?? 'default',
      transfersPerSecond: Math.round((load.byStatus['201'] ?? 0) / load.seconds),
      statuses: load.byStatus,
      p99Ms: percentileMs(load.latenciesUs, 99),
      serverPeakRssMb: peakRssMb(server.pid!),
      versionConflicts: (await transferConflicts(url)) - conflictsBefore,
    })}\n`);
  } finally {
    await stopTng(server);
    await scratch.drop();
  }
}

async function transferConflicts(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n')
    .find((row) => row.startsWith('tng_version_conflicts_total{command="transfer"}'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

void main();
