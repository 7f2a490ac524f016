// Append throughput of the Postgres event store alone: callers each append two-stream
// transfers (a debit on a source wallet with its exact expected version, a credit on a
// target wallet with 'any') as fast as they can, for each concurrency level and each append
// mode, and print appends/s, p50/p99 latency and the group-commit speed-up. Sources are
// partitioned between callers and targets are a separate set, so version conflicts come
// only from a bug (they are counted, and should read 0). A fresh database is created,
// migrated and dropped.
//   node bin/run-ts.cjs scripts/bench/store-append.bench.ts [--seconds=5] [--levels=1,16,64]
//     [--modes=solo,group] [--wallets=1024] [--pool=16]
// Admin connection: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import { migrate } from '../../shared/adapters/postgres/migrate';
import { VersionConflict, type NewEvent } from '../../shared/ports/event-store.port';
import { databaseUrl } from '../../shared/testing/test-env';

const ADMIN_URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Wallets opened per seeding append round; seeding is not what is measured. */
const SEED_CONCURRENCY = 32;
const MODES = ['solo', 'group'] as const;
type Mode = (typeof MODES)[number];

type Options = { seconds: number; levels: number[]; modes: Mode[]; wallets: number; pool: number };
type Figures = {
  appends: number; conflicts: number; seconds: number; p50Ms: number; p99Ms: number;
};

function parseOptions(argv: readonly string[]): Options {
  const flag = (name: string): string | undefined =>
    argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const positive = (name: string, fallback: number): number => {
    const value = Number(flag(name) ?? fallback);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be >= 1`);
    return value;
  };
  const levels = (flag('levels') ?? '1,16,64').split(',').map(Number);
  if (levels.some((level) => !Number.isSafeInteger(level) || level < 1)) {
    throw new Error('--levels is a list of positive integers');
  }
  const modes = (flag('modes') ?? MODES.join(',')).split(',');
  const unknown = modes.find((mode) => !(MODES as readonly string[]).includes(mode));
  if (unknown !== undefined) throw new Error(`unknown mode ${unknown}`);
  return {
    seconds: positive('seconds', 5), levels, modes: modes as Mode[],
    wallets: positive('wallets', 1024), pool: positive('pool', 16),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const adminUrl = process.env.DATABASE_URL ?? ADMIN_URL_DEFAULT;
  const database = `tng_bench_append_${Date.now().toString(36)}`;
  await admin(adminUrl, `create database ${database}`);
  try {
    const url = databaseUrl(adminUrl, database);
    await migrate(url);
    const results = new Map<string, Figures>();
    for (const level of options.levels) {
      for (const mode of options.modes) {
        const figures = await measure(url, mode, level, options);
        results.set(`${mode}/${level}`, figures);
        print(mode, level, figures, results.get(`solo/${level}`));
      }
    }
  } finally {
    await admin(adminUrl, `drop database if exists ${database} with (force)`);
  }
}

async function measure(url: string, mode: Mode, callers: number, options: Options) {
  const store = new PostgresEventStore({
    connection: { url, poolSizeMax: options.pool },
    groupCommit: mode === 'group',
  });
  try {
    // Fresh wallets per run, so stream sizes and index state do not favour a later run.
    const prefix = `${mode}-${callers}-${randomUUID().slice(0, 8)}`;
    const sources = await openWallets(store, `${prefix}-source`, options.wallets);
    const targets = Array.from({ length: options.wallets }, (_, index) => `${prefix}-target-${index}`);
    return await transfer(store, sources, targets, callers, options.seconds * 1000);
  } finally {
    await store.close();
  }
}

async function openWallets(store: PostgresEventStore, prefix: string, count: number) {
  const versions = new Map<string, bigint>();
  const ids = Array.from({ length: count }, (_, index) => `wallet-${prefix}-${index}`);
  for (let start = 0; start < ids.length; start += SEED_CONCURRENCY) {
    await Promise.all(ids.slice(start, start + SEED_CONCURRENCY).map(async (streamId) => {
      const opened = walletEvent('WalletOpened', streamId, streamId);
      await store.append({ streams: [{ streamId, expectedVersion: 'no-stream', events: [opened] }] });
      versions.set(streamId, 1n);
    }));
  }
  return versions;
}

async function transfer(
  store: PostgresEventStore,
  sources: Map<string, bigint>,
  targets: readonly string[],
  callers: number,
  durationMs: number,
): Promise<Figures> {
  const sourceIds = [...sources.keys()];
  const latenciesUs: number[] = [];
  let conflicts = 0;
  const startedMs = performance.now();
  const deadlineMs = startedMs + durationMs;
  const caller = async (index: number): Promise<void> => {
    const mine = sourceIds.filter((_, position) => position % callers === index);
    for (let sequence = 0; performance.now() < deadlineMs; sequence += 1) {
      const source = mine[sequence % mine.length]!;
      const target = targets[Math.floor(Math.random() * targets.length)]!;
      const beganMs = performance.now();
      try {
        const result = await store.append({ streams: [
          { streamId: source, expectedVersion: sources.get(source)!,
            events: [walletEvent('WalletDebited', source, target)] },
          { streamId: target, expectedVersion: 'any',
            events: [walletEvent('WalletCredited', target, source)] },
        ] });
        sources.set(source, result.nextVersions.get(source)!);
        latenciesUs.push((performance.now() - beganMs) * 1000);
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        conflicts += 1;
        sources.set(source, await store.streamVersion(source));
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, index) => caller(index)));
  const seconds = (performance.now() - startedMs) / 1000;
  const sorted = latenciesUs.sort((a, b) => a - b);
  const at = (quantile: number) => {
    const index = Math.min(sorted.length - 1, Math.floor(quantile * sorted.length));
    return (sorted[index] ?? 0) / 1000;
  };
  return { appends: sorted.length, conflicts, seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

function walletEvent(type: string, walletId: string, counterparty: string): NewEvent {
  const occurredAt = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data: {
      walletId, movementId: randomUUID(), movementKind: 'transfer',
      amount: { currency: 'MYR', amountMinor: '1' }, counterpartyWalletId: counterparty, occurredAt,
    },
    metadata: {
      occurredAt, actorId: 'bench', correlationId: randomUUID(), requestId: randomUUID(),
    },
  };
}

function print(mode: Mode, callers: number, figures: Figures, solo: Figures | undefined): void {
  const rate = figures.appends / figures.seconds;
  const soloRate = solo ? solo.appends / solo.seconds : 0;
  const ratio = solo && mode !== 'solo' ? ` (x${(rate / soloRate).toFixed(2)} solo)` : '';
  console.log(
    `${mode.padEnd(5)} ${String(callers).padStart(3)} callers: ${rate.toFixed(0).padStart(6)} appends/s` +
      `  p50 ${figures.p50Ms.toFixed(1)} ms  p99 ${figures.p99Ms.toFixed(1)} ms` +
      `  conflicts ${figures.conflicts}${ratio}`,
  );
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
