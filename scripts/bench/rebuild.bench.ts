// Rebuild throughput: seeds N wallet events into a fresh database, then times a plain
// readAll scan (the floor: what reading and decoding alone cost) and a rebuild of the
// wallets projection as `tng projections rebuild wallets` runs it (same pool, same decoding
// store), and prints both rates and their ratio. The database is dropped at the end.
//   node bin/run-ts.cjs scripts/bench/rebuild.bench.ts [--events=1000000] [--wallets=10000]
//     [--replay-batch=5000]
// Admin connection: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { REPLAY_BATCH_SIZE_DEFAULT, rebuildProjection } from '../../projector/src/rebuild';
import { createProjections } from '../../projector/src/projections/registry';
import { loadConfig } from '../../shared/config/load-config';
import { START_POSITION, type EventStore } from '../../shared/ports/event-store.port';
import { openRuntime, type Runtime } from '../../bin/runtime/runtime';
import { databaseUrl } from '../../shared/testing/test-env';
import { seedWalletEvents } from './rebuild-seed';
import { positiveIntFlag } from './bench-flags';

const ADMIN_URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Bounds the scan loop: more batches than this means the store is not advancing. */
const SCAN_BATCHES_MAX = 10_000_000;

type Options = { events: number; wallets: number; replayBatch: number };

function parseOptions(argv: readonly string[]): Options {
  return {
    events: positiveIntFlag(argv, 'events', 1_000_000),
    wallets: positiveIntFlag(argv, 'wallets', 10_000),
    replayBatch: positiveIntFlag(argv, 'replay-batch', REPLAY_BATCH_SIZE_DEFAULT),
  };
}

async function onAdmin(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function timeScan(store: EventStore, batchSize: number): Promise<number> {
  let after = START_POSITION;
  let read = 0;
  for (let batch = 0; batch < SCAN_BATCHES_MAX; batch += 1) {
    const events = await store.readAll({ after, limit: batchSize });
    const last = events.at(-1);
    if (!last) return read;
    read += events.length;
    after = last.position;
  }
  throw new Error('the scan did not reach the head');
}

type Timed<T> = { value: T; seconds: number; nodeCpuSeconds: number };

async function timed<T>(run: () => Promise<T>): Promise<Timed<T>> {
  const startedMs = performance.now();
  const startedCpu = process.cpuUsage();
  const value = await run();
  const cpu = process.cpuUsage(startedCpu);
  const nodeCpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { value, seconds: (performance.now() - startedMs) / 1_000, nodeCpuSeconds };
}

const rate = (count: number, seconds: number) => Math.round(count / seconds);
const log = (line: string) => process.stdout.write(`${line}\n`);

async function measure(runtime: Runtime, options: Options): Promise<void> {
  const seeded = await timed(() => seedWalletEvents(runtime.pool, options));
  log(`seeded ${options.events} events over ${options.wallets} wallets in `
    + `${seeded.seconds.toFixed(1)} s`);
  const scan = await timed(() => timeScan(runtime.store, options.replayBatch));
  log(`readAll scan (decoding store, batch ${options.replayBatch}): ${scan.value} events in `
    + `${scan.seconds.toFixed(2)} s = ${rate(scan.value, scan.seconds)} events/s `
    + `(Node CPU ${scan.nodeCpuSeconds.toFixed(1)} s)`);
  const wallets = createProjections().get('wallets')!;
  const deps = {
    pool: runtime.pool,
    store: runtime.store,
    batchSizeMax: runtime.config.PROJECTOR_BATCH_SIZE_MAX,
    replayBatchSizeMax: options.replayBatch,
  };
  const rebuild = await timed(() => rebuildProjection(deps, wallets));
  const applied = rebuild.value;
  log(`rebuild wallets (live batch ${deps.batchSizeMax}, replay batch `
    + `${options.replayBatch}): ${applied} events in `
    + `${rebuild.seconds.toFixed(2)} s = ${rate(applied, rebuild.seconds)} events/s `
    + `(Node CPU ${rebuild.nodeCpuSeconds.toFixed(1)} s)`);
  const ratio = rate(applied, rebuild.seconds) / rate(scan.value, scan.seconds);
  log(`rebuild / readAll = ${ratio.toFixed(2)}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const adminUrl = loadConfig().DATABASE_URL ?? ADMIN_URL_DEFAULT;
  const name = `tng_bench_rebuild_${randomBytes(4).toString('hex')}`;
  await onAdmin(adminUrl, `create database ${name}`);
  let runtime: Runtime | undefined;
  try {
    const config = loadConfig({ DATABASE_URL: databaseUrl(adminUrl, name), LOG_LEVEL: 'warn' });
    runtime = await openRuntime(config, { migrate: true });
    await measure(runtime, options);
  } finally {
    await runtime?.close();
    await onAdmin(adminUrl, `drop database if exists ${name} with (force)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`rebuild bench failed: ${String(error)}\n`);
  process.exit(1);
});
