// `node bin/run-ts.cjs scripts/bench/read-queries.bench.ts`: what slonik costs the read side.
// The query API's GET wallet and GET history queries, as they are (slonik, rows checked by
// their zod schema) against the same SQL through bare pg as it was before slonik, over ONE pg
// pool (the runtime's type parsers), in the same run, alternating rounds so the noise of a
// shared machine falls on both. Sequential (one query in flight: the per-query overhead) and
// concurrent (BENCH_IN_FLIGHT at once: throughput); also slonik with the rows' zod check off
// ("unchecked"), to tell slonik's own cost from the check's. Knobs: BENCH_QUERIES (per round and
// side), BENCH_ROUNDS, BENCH_IN_FLIGHT; DATABASE_URL is the admin connection (a fresh
// database is made, seeded with rows straight into the read models, and dropped).
import { Client, Pool } from 'pg';
import { migrate } from '../../shared/adapters/postgres/migrate';
import { createSlonikReadDatabase } from './slonik-pool-read-database';
import { createPgReadDatabase } from '../../shared/adapters/postgres/pg-read-database';
import { walletView, type WalletView } from '../../shared/read-models/wallet-view';
import { PG_TYPES } from '../../shared/adapters/postgres/pg-types';
import { databaseUrl } from '../../shared/testing/test-env';
import { listTransactions } from '../../query-api/src/history-queries';
import { findWallet } from '../../query-api/src/wallet-queries';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const QUERIES = Number(process.env.BENCH_QUERIES ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const WALLETS = 1_000;
const HISTORY_ROWS = 200;
const PAGE_ROWS = 21; // A page of 20 and one more, as the history route asks.

/** GET /v1/wallets/:id's query through bare pg, as query-api had it before slonik. */
async function pgFindWallet(pool: Pool, walletId: string): Promise<WalletView | null> {
  const result = await pool.query(
    `select wallet_id, owner_id, currency, balance, held, status, version
       from rm_wallets where wallet_id = $1`,
    [walletId],
  );
  const row = result.rows[0];
  if (!row) return null;
  return walletView({
    walletId: row.wallet_id, ownerId: row.owner_id, currency: row.currency,
    balance: row.balance, held: row.held, status: row.status, version: row.version,
  });
}

/** GET /v1/wallets/:id/transactions's query through bare pg, as it was before slonik. */
async function pgListTransactions(pool: Pool, walletId: string, limit: number) {
  const result = await pool.query(
    `select stream_version, transaction_id, kind, direction, amount, currency, balance_after,
            counterparty_wallet_id, status, note, created_at
       from rm_wallet_transactions
      where wallet_id = $1 and ($2::bigint is null or stream_version < $2)
        and ($3::timestamptz is null or created_at >= $3)
        and ($4::timestamptz is null or created_at <= $4)
        and ($5::text is null or kind = $5)
        and ($6::text is null or counterparty_wallet_id = $6)
      order by stream_version desc limit $7`,
    [walletId, null, null, null, null, null, limit],
  );
  return result.rows.map((row) => ({
    item: {
      transactionId: row.transaction_id, kind: row.kind, direction: row.direction,
      amount: row.amount.toString(), currency: row.currency,
      balanceAfter: row.balance_after.toString(), counterpartyWalletId: row.counterparty_wallet_id,
      status: row.status, note: row.note, createdAt: row.created_at.toISOString(),
    },
    version: row.stream_version as bigint,
  }));
}

async function seed(pool: Pool): Promise<void> {
  await pool.query(
    `insert into rm_wallets (wallet_id, owner_id, kind, system_account, currency, balance, held,
                             status, version, opened_at, updated_at)
     select 'w-' || n, 'u-' || n, 'user', null, 'MYR', 100000 + n, n % 7, 'active', 10 + n,
            now(), now()
       from generate_series(0, $1 - 1) n`,
    [WALLETS],
  );
  await pool.query(
    `insert into rm_wallet_transactions (wallet_id, stream_version, transaction_id, kind,
       direction, amount, currency, balance_after, counterparty_wallet_id, status, note,
       created_at)
     select 'w-0', n, 'm-' || n, 'transfer', case when n % 2 = 0 then 'credit' else 'debit' end,
            n * 10, 'MYR', 100000 + n, 'w-1', 'completed', null, now() - make_interval(secs => $1 - n)
       from generate_series(1, $1) n`,
    [HISTORY_ROWS],
  );
}

type Figures = { perSecond: number; cpuMicros: number };

/**
 * Runs `query` `count` times with `inFlight` at once: queries per second, and this process's
 * CPU time per query (less sensitive than the clock to what else runs on the machine).
 */
async function measure(
  count: number,
  inFlight: number,
  query: (i: number) => Promise<unknown>,
): Promise<Figures> {
  let next = 0;
  const worker = async () => {
    while (next < count) await query(next++);
  };
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const { user, system } = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: count / seconds, cpuMicros: (user + system) / count };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main(): Promise<void> {
  const database = `tng_bench_reads_${Date.now().toString(36)}`;
  await admin(`create database ${database}`);
  const url = databaseUrl(ADMIN_URL, database);
  const pool = new Pool({ connectionString: url, max: IN_FLIGHT, types: PG_TYPES });
  pool.on('error', () => undefined); // the database is dropped with its idle clients at the end
  const readDatabase = await createSlonikReadDatabase(pool, url);
  const unchecked = await createSlonikReadDatabase(pool, url, { checkRows: false });
  const tagged = createPgReadDatabase(pool, { checkRows: false });
  const taggedChecked = createPgReadDatabase(pool, { checkRows: true });
  try {
    await migrate(url);
    await seed(pool);
    const walletOf = (i: number) => `w-${(i * 7919) % WALLETS}`;
    const sides = {
      'wallet pg': (i: number) => pgFindWallet(pool, walletOf(i)),
      'wallet slonik': (i: number) => findWallet(readDatabase, walletOf(i)),
      'wallet unchecked': (i: number) => findWallet(unchecked, walletOf(i)),
      'wallet tag': (i: number) => findWallet(tagged, walletOf(i)),
      'wallet tag+check': (i: number) => findWallet(taggedChecked, walletOf(i)),
      'history pg': () => pgListTransactions(pool, 'w-0', PAGE_ROWS),
      'history slonik': () => listTransactions(readDatabase, 'w-0', {}, undefined, PAGE_ROWS),
      'history unchecked': () => listTransactions(unchecked, 'w-0', {}, undefined, PAGE_ROWS),
      'history tag': () => listTransactions(tagged, 'w-0', {}, undefined, PAGE_ROWS),
      'history tag+check': () => listTransactions(taggedChecked, 'w-0', {}, undefined, PAGE_ROWS),
    };
    await check(sides);
    const figures: Record<string, Figures[]> = {};
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const inFlight of [1, IN_FLIGHT]) {
        for (const [name, query] of Object.entries(sides)) {
          (figures[`${name} x${inFlight}`] ??= []).push(await measure(QUERIES, inFlight, query));
        }
      }
      log(`round ${round + 1} of ${ROUNDS} done`);
    }
    report(figures);
  } finally {
    await readDatabase.end();
    await unchecked.end();
    await pool.end();
    await admin(`drop database if exists ${database} with (force)`);
  }
}

/** Both sides must answer the same, or the comparison means nothing. */
async function check(sides: Record<string, (i: number) => Promise<unknown>>): Promise<void> {
  const same = async (a: string, b: string) => {
    const [left, right] = await Promise.all([sides[a]!(3), sides[b]!(3)]);
    const json = (value: unknown) =>
      JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    if (json(left) !== json(right)) throw new Error(`${a} and ${b} answer differently`);
  };
  await same('wallet pg', 'wallet slonik');
  await same('history pg', 'history slonik');
}

function report(figures: Record<string, Figures[]>): void {
  const result: Record<string, unknown> = { queriesPerRoundAndSide: QUERIES, rounds: ROUNDS };
  for (const query of ['wallet', 'history']) {
    for (const inFlight of [1, IN_FLIGHT]) {
      const side = (name: string) => {
        const runs = figures[`${query} ${name} x${inFlight}`]!;
        return {
          perSecond: median(runs.map((run) => run.perSecond)),
          cpuMicros: median(runs.map((run) => run.cpuMicros)),
        };
      };
      const [pg, slonik, unchecked] = [side('pg'), side('slonik'), side('unchecked')];
      const [tag, tagChecked] = [side('tag'), side('tag+check')];
      const costPercent = (other: Figures) =>
        Number(((pg.perSecond / other.perSecond - 1) * 100).toFixed(1));
      result[`${query} x${inFlight}`] = {
        perSecond: {
          pg: pg.perSecond, slonik: slonik.perSecond, unchecked: unchecked.perSecond,
          tag: tag.perSecond, tagChecked: tagChecked.perSecond,
        },
        cpuMicrosPerQuery: {
          pg: pg.cpuMicros, slonik: slonik.cpuMicros, unchecked: unchecked.cpuMicros,
          tag: tag.cpuMicros, tagChecked: tagChecked.cpuMicros,
        },
        tagCostPercent: costPercent(tag),
        tagCheckedCostPercent: costPercent(tagChecked),
        slonikCostPercent: costPercent(slonik),
        uncheckedCostPercent: costPercent(unchecked),
      };
    }
  }
  process.stdout.write(`${JSON.stringify(result, rounded, 2)}\n`);
}

const rounded = (_: string, value: unknown) =>
  typeof value === 'number' && !Number.isInteger(value) ? Math.round(value) : value;

async function admin(statement: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exitCode = 1;
});
