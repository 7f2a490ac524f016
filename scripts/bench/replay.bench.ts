// Audit replay speed: one wallet with `events` events in its stream, replayed from the event
// log with the same code as `tng audit replay` (read in pages, check, decode, fold).
// Run alone it seeds a fresh database once, warms up, then times the compared variants in
// alternating order, round after round, and prints each one's figures (docs/performance.md,
// "Audit replay"):
//   node bin/run-ts.cjs scripts/bench/replay.bench.ts [--events=100000] [--rounds=5]
// Admin connection: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
// `benchReplay` is what `npm run bench` (bench.ts) calls.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { replayWallet } from '../../shared/audit/replay-wallet';
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import {
  EVENT_COLUMNS, STORE_TYPES, toRecordedEvent, type EventRow,
} from '../../shared/adapters/event-store/postgres.rows';
import { migrate } from '../../shared/adapters/postgres/migrate';
import { walletEventOf } from '../../shared/domain/decode-stored-event';
import { domainEventCodec } from '../../shared/domain/event-codec';
import { evolveWallet } from '../../shared/domain/wallet/wallet.evolve';
import { initialWalletState, type WalletState } from '../../shared/domain/wallet/wallet.state';
import type { EventStore, NewEvent } from '../../shared/ports/event-store.port';
import { withClient } from '../../shared/testing/fresh-database';
import { databaseUrl } from '../../shared/testing/test-env';
import { positiveIntFlag } from './bench-flags';

const APPEND_EVENTS_PER_CALL = 1_000;
const ADMIN_URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The page size replay used before it streamed (kept to time the old path). */
const OLD_PAGE_SIZE = 5_000;

/** Appends WalletOpened then `events - 1` credits of 1 minor unit; returns the wallet id. */
export async function seedReplayWallet(store: EventStore, events: number): Promise<string> {
  const walletId = randomUUID();
  const streamId = `wallet-${walletId}`;
  const now = new Date().toISOString();
  const metadata = { occurredAt: now, actorId: 'bench' };
  const opened: NewEvent = {
    eventId: randomUUID(),
    type: 'WalletOpened',
    schemaVersion: 2,
    data: { walletId, ownerId: randomUUID(), kind: 'user', currency: 'MYR' },
    metadata,
  };
  const credit = (): NewEvent => ({
    eventId: randomUUID(),
    type: 'WalletCredited',
    schemaVersion: 1,
    data: {
      walletId,
      movementId: randomUUID(),
      movementKind: 'adjustment',
      currency: 'MYR',
      amountMinor: '1',
      counterpartyWalletId: 'system-adjustments-MYR',
      occurredAt: now,
    },
    metadata,
  });
  let written = 0;
  while (written < events) {
    const count = Math.min(APPEND_EVENTS_PER_CALL, events - written);
    const batch = Array.from({ length: count }, (_, i) => (written + i === 0 ? opened : credit()));
    await store.append({ streams: [{ streamId, expectedVersion: 'any', events: batch }] });
    written += count;
  }
  return walletId;
}

type Variant = Readonly<{
  name: string;
  replay: (store: EventStore, walletId: string) => Promise<WalletState>;
}>;

/** Today's replay: `tng audit replay` and balance-at run exactly this. */
const CURRENT: Variant = {
  name: 'replayWallet',
  replay: async (store, walletId) => (await replayWallet(store, walletId)).state,
};

/**
 * The replay as it was before docs/performance.md "Audit replay": pages of 5,000 read one
 * after the other with the old open-ended query (which Postgres answered by sorting the rest
 * of the stream for every page), each row decoded by the domain codec, then folded.
 */
const BEFORE: Variant = {
  name: 'before',
  replay: async (store, walletId) => {
    const pool = poolOf(store);
    let state = initialWalletState();
    for (let fromVersion = 1n; ;) {
      const { rows } = await pool.query<EventRow>({
        text: `select ${EVENT_COLUMNS} from events
          where stream_id = $1 and stream_version >= $2
          order by stream_version
          limit $3`,
        values: [`wallet-${walletId}`, fromVersion.toString(), OLD_PAGE_SIZE],
        types: STORE_TYPES,
      });
      for (const row of rows) {
        state = evolveWallet(state, walletEventOf(toRecordedEvent(row, domainEventCodec)));
      }
      if (rows.length < OLD_PAGE_SIZE) return state;
      fromVersion = rows.at(-1)!.stream_version + 1n;
    }
  },
};

/** Pages bounded by version range (the store's readStream now), read one after the other. */
const RANGE_PAGES: Variant = {
  name: 'range pages, in turn',
  replay: async (store, walletId) => {
    let state = initialWalletState();
    for (let fromVersion = 1n; ;) {
      const page = await store.readStream(`wallet-${walletId}`, {
        fromVersion, limit: OLD_PAGE_SIZE,
      });
      for (const recorded of page) state = evolveWallet(state, walletEventOf(recorded));
      if (page.length < OLD_PAGE_SIZE) return state;
      fromVersion = page.at(-1)!.streamVersion + 1n;
    }
  },
};

const VARIANTS: readonly Variant[] = [BEFORE, RANGE_PAGES, CURRENT];

// The bench opens the store itself on a pool it owns (main), so the old query can share it.
const pools = new WeakMap<EventStore, Pool>();
const poolOf = (store: EventStore): Pool => {
  const pool = pools.get(store);
  if (!pool) throw new Error('the bench store was opened without its pool');
  return pool;
};

/** `npm run bench`'s replay: seeded once, replayed once untimed, then `rounds` timed. */
export async function benchReplay(
  store: EventStore,
  events: number,
  rounds = 3,
): Promise<{
  events: number;
  seconds: number;
  minSeconds: number;
  maxSeconds: number;
  rounds: number;
  eventsPerSecond: number;
}> {
  const walletId = await seedReplayWallet(store, events);
  await timeReplay(CURRENT, store, walletId, events);
  const seconds: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    seconds.push(await timeReplay(CURRENT, store, walletId, events));
  }
  const sorted = seconds.sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    events,
    seconds: Number(median.toFixed(3)),
    minSeconds: Number(sorted[0]!.toFixed(3)),
    maxSeconds: Number(sorted.at(-1)!.toFixed(3)),
    rounds,
    eventsPerSecond: Math.round(events / median),
  };
}

async function timeReplay(
  variant: Variant,
  store: EventStore,
  walletId: string,
  events: number,
): Promise<number> {
  const started = process.hrtime.bigint();
  const state = await variant.replay(store, walletId);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (state.status === 'absent' || state.balanceMinor !== BigInt(events - 1)) {
    throw new Error(`${variant.name}: replay did not reach the seeded balance`);
  }
  return seconds;
}

type Options = { events: number; rounds: number };

function parseOptions(argv: readonly string[]): Options {
  return {
    events: positiveIntFlag(argv, 'events', 100_000),
    rounds: positiveIntFlag(argv, 'rounds', 5),
  };
}

async function measure(store: EventStore, options: Options): Promise<void> {
  log(`seeding one wallet with ${options.events} events`);
  const walletId = await seedReplayWallet(store, options.events);
  // Warm-up: every variant once, untimed (JIT, pg's statement cache, Postgres's buffers).
  for (const variant of VARIANTS) await timeReplay(variant, store, walletId, options.events);
  const seconds = new Map<string, number[]>(VARIANTS.map((variant) => [variant.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    // Alternate the order so neither variant always runs first.
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) {
      seconds.get(variant.name)!.push(await timeReplay(variant, store, walletId, options.events));
    }
  }
  const rows = VARIANTS.map((variant) => {
    const sorted = [...seconds.get(variant.name)!].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    return {
      variant: variant.name,
      events: options.events,
      medianSeconds: Number(median.toFixed(3)),
      minSeconds: Number(sorted[0]!.toFixed(3)),
      maxSeconds: Number(sorted.at(-1)!.toFixed(3)),
      eventsPerSecond: Math.round(options.events / median),
    };
  });
  for (const row of rows) {
    log(`${row.variant.padEnd(24)} median ${row.medianSeconds.toFixed(3)} s `
      + `(min ${row.minSeconds.toFixed(3)}, max ${row.maxSeconds.toFixed(3)}) `
      + `= ${row.eventsPerSecond} events/s`);
  }
  // The load average says how quiet the machine was: these figures move with it.
  const load1m = Number(loadavg()[0]!.toFixed(2));
  log(`load average (1 min) at the end: ${load1m}`);
  process.stdout.write(`${JSON.stringify({ auditReplay: rows, rounds: options.rounds, load1m })}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const adminUrl = process.env.DATABASE_URL ?? ADMIN_URL_DEFAULT;
  const name = `tng_bench_replay_${randomBytes(4).toString('hex')}`;
  await onAdmin(adminUrl, `create database ${name}`);
  let store: PostgresEventStore | undefined;
  let pool: Pool | undefined;
  try {
    const url = databaseUrl(adminUrl, name);
    await migrate(url);
    pool = new Pool({ connectionString: url, max: 4 });
    // The store as bin/runtime/event-store.ts opens it: on a pool, decoding with the codec.
    store = new PostgresEventStore({ connection: { pool }, codec: domainEventCodec });
    pools.set(store, pool);
    await measure(store, options);
  } finally {
    await store?.close();
    await pool?.end();
    await onAdmin(adminUrl, `drop database if exists ${name} with (force)`);
  }
}

const onAdmin = (url: string, sql: string): Promise<void> =>
  withClient(url, async (client) => {
    await client.query(sql);
  });

const log = (line: string) => process.stderr.write(`${line}\n`);

// bin/run-ts.cjs requires the entry from its own module, so `require.main` is the runner:
// the script's own path in argv says it was invoked directly (bench.ts only imports it).
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  main().catch((error: unknown) => {
    process.stderr.write(`replay bench failed: ${String(error)}\n`);
    process.exit(1);
  });
}
