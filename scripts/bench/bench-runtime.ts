// What the bench's phases share (scripts/bench/bench.ts): scratch databases, `tng serve` as a
// child process, the seeded wallets' owners and funding, and the projector's catching up.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import { migrate } from '../../shared/adapters/postgres/migrate';
import { domainEventCodec } from '../../shared/domain/event-codec';
import { withClient } from '../../shared/testing/fresh-database';
import { databaseUrl } from '../../shared/testing/test-env';
import type { EventStore } from '../../shared/ports/event-store.port';
import { readModelBalance } from './ledger-check';
import { seedWallets, type SeededWallet } from './seed-ledger';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
export const WALLETS_PER_OWNER = 20;
// Below the FREE plan's maximum balance (RM 5,000): random transfers never push one over.
export const FUNDING_MINOR = 200_000n;
/** How long a measure may wait for the projector to catch up on the one before it. */
const SETTLE_MS_MAX = 30_000;

export type Scratch = { url: string; drop(): Promise<void> };

/** `wallets` funded wallets, WALLETS_PER_OWNER to an owner, with the owners' tokens. */
export const seedOwnedWallets = (store: EventStore, wallets: number) => seedWallets(store, {
  wallets, fundingMinor: FUNDING_MINOR, jwtSecret: JWT_SECRET, walletsPerOwner: WALLETS_PER_OWNER,
});

/** Lets the projector catch up on the measure just run, so its backlog is not the next's. */
export async function settle(url: string, wallets: readonly SeededWallet[]): Promise<void> {
  const started = Date.now();
  const caughtUp = await withClient(url, (client) =>
    readModelBalance(client, wallets.map((w) => w.walletId), SETTLE_MS_MAX));
  log(`  projector ${caughtUp === null ? 'still behind' : 'caught up'} after `
    + `${Date.now() - started} ms`);
}

export function openStore(url: string): PostgresEventStore {
  return new PostgresEventStore({ connection: { url, poolSizeMax: 16 }, codec: domainEventCodec });
}

export async function scratchDatabase(prefix: string): Promise<Scratch> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  await admin(`create database ${name}`);
  const url = databaseUrl(ADMIN_URL, name);
  await migrate(url);
  return { url, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

export const freePort = () => 39_000 + Math.floor(Math.random() * 1000);

export async function startTng(
  url: string,
  port: number,
  env: Record<string, string>,
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
        PORT: String(port),
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
        JWT_SECRET,
        ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
        ...env,
      },
      // The server's banner and logs go to stderr, so stdout is the bench's own.
      stdio: ['ignore', process.stderr, process.stderr],
    },
  );
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready');
}

export async function stopTng(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGINT');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (server.exitCode === null) server.kill('SIGKILL');
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : -1;
}

const admin = (sql: string): Promise<void> =>
  withClient(ADMIN_URL, async (client) => {
    await client.query(sql);
  });

export const round2 = (value: number) => Number(value.toFixed(2));
export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
