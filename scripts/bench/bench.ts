// `npm run bench`: the bench table (docs/performance.md, "The bench table") in one run,
// printed as a Markdown table on stdout and written as JSON to BENCH_JSON (default
// bench-results.json; "-" writes the JSON to stdout instead of the table).
// Phase 1, the table, on a scratch database of its own with `tng serve` as a child process
// (RATE_LIMITS=off, the development mailbox, the built-in payments simulator):
// - bare SQL (bare-sql.bench.ts, its own process): the baseline;
// - the JWT reference (jwt-reference.server.ts, its own process): the ceiling of a route;
// - POST /v1/transfers on 1,000 wallets (50 owners x 20) and on a hot spot of 40 wallets;
// - (extra) the same transfer straight through the event store (bare-transfers.ts).
// Each is warmed up untimed before each timed run; rounds alternate their order. Then the
// server's peak RSS, and the ledger check (ledger-check.ts): every request 201, one transfer
// debit and credit per 201, balances conserved in the log and the read model.
// Phase 2, the latency probes (latency-probes.ts), on a second scratch database and server
// with a fake Stripe and an SMTP server in this process, so the e-mail backlog of a transfer
// load (the notifications consumer sends far fewer e-mails a second than the load asks for,
// docs/operations.md "Benchmarks") cannot disturb the table: each probe idle, then beside
// a transfer load. Phase 3, the audit replay (replay.bench.ts), with no server running.
// Knobs: BENCH_SECONDS (15), BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (2), BENCH_CLIENTS (64),
// BENCH_WALLETS (1000), BENCH_HOT_WALLETS (40), BENCH_REPLAY_EVENTS (100000), BENCH_PROBES
// (on; "off" skips phase 2); DATABASE_URL is the admin connection (databases made, dropped).
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import type { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import { percentileMs, runLoad, type LoadRequest } from './http-load';
import { bareTransfers } from './bare-transfers';
import { runJsonChild, startServerChild } from './bench-child';
import {
  FUNDING_MINOR, JWT_SECRET, WALLETS_PER_OWNER, freePort, log, openStore, peakRssMb, round2,
  scratchDatabase, seedOwnedWallets, settle, startTng, stopTng,
} from './bench-runtime';
import {
  markdownTable, ratioToBare, tableRows, type HttpThroughput, type Round, type TableFigures,
  type Throughput,
} from './bench-table';
import { checkLedger } from './ledger-check';
import { probePhase } from './probe-phase';
import type { SeededWallet } from './seed-ledger';
import { benchReplay } from './replay.bench';
import { transferRequests } from './transfer-load';

const envNumber = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = envNumber('BENCH_SECONDS', 15);
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 3);
const ROUNDS = envNumber('BENCH_ROUNDS', 2);
const CLIENTS = envNumber('BENCH_CLIENTS', 64);
const WALLETS = envNumber('BENCH_WALLETS', 1000);
const HOT_WALLETS = envNumber('BENCH_HOT_WALLETS', 40);
const REPLAY_EVENTS = envNumber('BENCH_REPLAY_EVENTS', 100_000);
const PROBES = process.env.BENCH_PROBES !== 'off';
const JSON_PATH = process.env.BENCH_JSON ?? 'bench-results.json';
const BARE_STREAMS = 10_000;
const BARE_CONNECTIONS = 16;
const SCRIPTS = __dirname;

async function main(): Promise<void> {
  const machine = { cpus: cpus().length, loadAverageBefore: loadavg().map(round2) };
  const table = await tablePhase();
  const latencyProbes = PROBES
    ? await probePhase({ seconds: SECONDS, clients: CLIENTS, wallets: WALLETS }) : null;
  const auditReplay = await replayPhase();
  const figures: TableFigures = {
    ...table.figures, auditReplaySeconds: auditReplay.seconds, auditReplayEvents: REPLAY_EVENTS,
  };
  const rows = tableRows(figures);
  const document = {
    machine: { ...machine, loadAverageAfter: loadavg().map(round2) },
    settings: {
      seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, rounds: ROUNDS, ...figures.settings,
      walletsPerOwner: WALLETS_PER_OWNER, replayEvents: REPLAY_EVENTS,
    },
    table: rows,
    bareSql: { ...figures.bareSql, details: table.bareDetails },
    jwtReference: figures.jwtReference,
    transfersUniform: withRatio(figures.uniform, figures.bareSql),
    transfersHotSpot: withRatio(figures.hotSpot, figures.bareSql),
    eventStorePath: withRatio(figures.eventStorePath, figures.bareSql),
    auditReplay,
    serverPeakRssMb: figures.serverPeakRssMb,
    ledgerCheck: figures.ledger,
    latencyProbes,
  };
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const text = `${markdownTable(rows)}\n\nLoad average (1, 5, 15 min) before: `
    + `${machine.loadAverageBefore.join(', ')}; after: ${document.machine.loadAverageAfter
      .join(', ')}; ${machine.cpus} CPUs.\n`;
  if (JSON_PATH === '-') {
    process.stderr.write(text);
    process.stdout.write(json);
  } else {
    writeFileSync(JSON_PATH, json);
    process.stdout.write(text);
    log(`figures written to ${JSON_PATH}`);
  }
}

/** The ratio over all rounds, and round by round (the machine's load drifts between rounds). */
const withRatio = <T extends Throughput>(run: T, bare: Throughput) => ({
  ...run,
  ratioToBare: ratioToBare(run, bare),
  ratioToBareByRound: run.rounds.map((r, i) => {
    const baseline = bare.rounds[i];
    return baseline && baseline.count > 0
      ? round2((r.count / r.seconds) / (baseline.count / baseline.seconds)) : null;
  }),
});

async function tablePhase() {
  const scratch = await scratchDatabase('tng_bench');
  let server: ChildProcess | undefined;
  let reference: ChildProcess | undefined;
  try {
    const port = freePort();
    server = await startTng(scratch.url, port, {});
    const store = openStore(scratch.url);
    log(`seeding ${WALLETS} + ${HOT_WALLETS} + ${WALLETS} wallets, ${WALLETS_PER_OWNER} an owner`);
    const seed = (wallets: number) => seedOwnedWallets(store, wallets);
    const uniform = await seed(WALLETS);
    const hot = await seed(HOT_WALLETS);
    const storeOnly = await seed(WALLETS);
    const started = await startServerChild(path.join(SCRIPTS, 'jwt-reference.server.ts'), [],
      { JWT_SECRET });
    reference = started.child;
    const tng = `http://127.0.0.1:${port}`;
    const http = { uniform: httpMeasure(tng, uniform), hotSpot: httpMeasure(tng, hot),
      jwtReference: httpMeasure(`http://127.0.0.1:${started.port}`, uniform, '/bench') };
    const bareDetails: unknown[] = [];
    const measures: Measure[] = [
      // The child warms itself up: it is a new process every round.
      { name: 'bareSql', run: () => bareSqlRound(scratch.url, bareDetails) },
      { name: 'jwtReference', ...http.jwtReference.measure },
      { name: 'uniform', ...http.uniform.measure, settle: uniform },
      { name: 'hotSpot', ...http.hotSpot.measure, settle: hot },
      {
        name: 'eventStorePath',
        warmUp: async () => { await eventStoreRound(store, storeOnly, WARMUP_SECONDS); },
        run: () => eventStoreRound(store, storeOnly, SECONDS),
        settle: storeOnly,
      },
    ];
    const rounds = await runRounds(measures, scratch.url);
    const serverPeakRssMb = peakRssMb(server.pid!);
    log('ledger check: statuses, transfer events, balances in the log and the read model');
    const answered201 = (http.uniform.statuses['201'] ?? 0) + (http.hotSpot.statuses['201'] ?? 0);
    const ledger = await checkLedger(scratch.url, [...uniform, ...hot], FUNDING_MINOR, answered201);
    await store.close();
    const figures: Omit<TableFigures, 'auditReplaySeconds' | 'auditReplayEvents'> = {
      bareSql: throughput(rounds.get('bareSql')!),
      jwtReference: http.jwtReference.figures(rounds.get('jwtReference')!),
      uniform: http.uniform.figures(rounds.get('uniform')!),
      hotSpot: http.hotSpot.figures(rounds.get('hotSpot')!),
      eventStorePath: throughput(rounds.get('eventStorePath')!),
      serverPeakRssMb,
      ledger,
      settings: { uniformWallets: WALLETS, owners: Math.ceil(WALLETS / WALLETS_PER_OWNER),
        hotWallets: HOT_WALLETS, clients: CLIENTS, bareStreams: BARE_STREAMS,
        bareConnections: BARE_CONNECTIONS },
    };
    return { figures, bareDetails };
  } finally {
    reference?.kill();
    await stopTng(server);
    await scratch.drop();
  }
}

type TimedRound = Round & { latenciesUs: number[] | null };
type Measure = Readonly<{
  name: string;
  /** Untimed load before each timed run (JIT, connections, caches). */
  warmUp?: () => Promise<void>;
  run: () => Promise<TimedRound>;
  /** Wallets whose read model the projector should have caught up on before the next one. */
  settle?: readonly SeededWallet[];
}>;

/** Every measure once a round, warmed up before each timed run; odd rounds reversed. */
async function runRounds(measures: readonly Measure[], url: string) {
  const rounds = new Map<string, TimedRound[]>(measures.map((m) => [m.name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? measures : [...measures].reverse();
    for (const measure of order) {
      log(`round ${round + 1}/${ROUNDS}: ${measure.name}, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s`);
      await measure.warmUp?.();
      const timed = await measure.run();
      rounds.get(measure.name)!.push(timed);
      log(`  ${Math.round(timed.count / timed.seconds)}/s, p99 ${timed.p99Ms} ms`);
      if (measure.settle) await settle(url, measure.settle);
    }
  }
  return rounds;
}

function httpMeasure(url: string, wallets: readonly SeededWallet[], routePath?: string) {
  const requests = transferRequests(wallets);
  const next = routePath === undefined ? requests
    : (client: number, sequence: number): LoadRequest =>
      ({ ...requests(client, sequence), path: routePath });
  // Statuses of every request, warm-ups included: each one must have been answered 201.
  const statuses: Record<string, number> = {};
  const load = async (warmup: boolean): Promise<TimedRound> => {
    const result = await runLoad({
      url, concurrency: CLIENTS, durationMs: (warmup ? WARMUP_SECONDS : SECONDS) * 1000, next,
    });
    for (const [status, count] of Object.entries(result.byStatus)) {
      statuses[status] = (statuses[status] ?? 0) + count;
    }
    const ok = routePath === undefined ? '201' : '200';
    return {
      count: result.byStatus[ok] ?? 0,
      seconds: result.seconds,
      p50Ms: percentileMs(result.latenciesUs, 50),
      p99Ms: percentileMs(result.latenciesUs, 99),
      latenciesUs: result.latenciesUs,
    };
  };
  const figures = (rounds: readonly TimedRound[]): HttpThroughput =>
    ({ ...throughput(rounds), statuses: { ...statuses } });
  const measure = { warmUp: async () => { await load(true); }, run: () => load(false) };
  return { measure, figures, statuses };
}

type BareSqlFigures = { transfers: number; seconds: number; p50Ms: number; p99Ms: number };

async function bareSqlRound(url: string, details: unknown[]): Promise<TimedRound> {
  const figures = await runJsonChild<BareSqlFigures>(path.join(SCRIPTS, 'bare-sql.bench.ts'), [
    `--streams=${BARE_STREAMS}`, `--connections=${BARE_CONNECTIONS}`, `--seconds=${SECONDS}`,
    `--warmup-seconds=${WARMUP_SECONDS}`,
  ], { DATABASE_URL: url });
  details.push(figures);
  const { transfers: count, seconds, p50Ms, p99Ms } = figures;
  return { count, seconds, p50Ms, p99Ms, latenciesUs: null };
}

async function eventStoreRound(
  store: PostgresEventStore,
  wallets: readonly SeededWallet[],
  seconds: number,
): Promise<TimedRound> {
  const result = await bareTransfers(store, wallets.map((w) => w.walletId), CLIENTS,
    seconds * 1000);
  return {
    count: result.transfers, seconds: result.seconds,
    p50Ms: percentileMs(result.latenciesUs, 50), p99Ms: percentileMs(result.latenciesUs, 99),
    latenciesUs: result.latenciesUs,
  };
}

/** Rates over all rounds; percentiles over every request where they were kept, else the worst. */
function throughput(rounds: readonly TimedRound[]): Throughput {
  const count = rounds.reduce((sum, r) => sum + r.count, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const all = rounds.every((r) => r.latenciesUs !== null)
    ? rounds.flatMap((r) => r.latenciesUs!) : null;
  return {
    perSecond: seconds > 0 ? Math.round(count / seconds) : 0,
    p50Ms: all ? percentileMs(all, 50) : Math.max(...rounds.map((r) => r.p50Ms)),
    p99Ms: all ? percentileMs(all, 99) : Math.max(...rounds.map((r) => r.p99Ms)),
    rounds: rounds.map(({ count: c, seconds: s, p50Ms, p99Ms }) =>
      ({ count: c, seconds: round2(s), p50Ms, p99Ms })),
  };
}

async function replayPhase() {
  const scratch = await scratchDatabase('tng_bench_replay');
  const store = openStore(scratch.url);
  try {
    log(`replay: one wallet with ${REPLAY_EVENTS} events, warmed up, median of 3`);
    return await benchReplay(store, REPLAY_EVENTS);
  } finally {
    await store.close();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
