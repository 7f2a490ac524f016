// The bench table's baseline (docs/performance.md, "The bench table"): the fewest Postgres
// can do for a transfer, with no event store, HTTP, auth or decision in front of it. A table
// of its own, `bare_events`, with `streams` streams; each transfer is ONE statement that
// appends two events, a debit on stream A and a credit on stream B, each at its stream's
// `max(version) + 1`. Two writers that pick the same next version collide on the primary
// key (unique violation) and the loser retries. `connections` pg clients run closed loops.
// bench.ts runs it in a process of its own and reads the JSON it prints on stdout:
//   DATABASE_URL=<scratch database> node bin/run-ts.cjs scripts/bench/bare-sql.bench.ts \
//     [--streams=10000] [--connections=16] [--seconds=15] [--warmup-seconds=3]
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { positiveIntFlag } from './bench-flags';
import { percentileMs } from './http-load';

const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';

const CREATE_TABLE = `create table if not exists bare_events (
  stream_id text not null,
  version bigint not null,
  event_id uuid not null,
  type text not null,
  payload jsonb not null,
  recorded_at timestamptz not null default now(),
  primary key (stream_id, version)
)`;

// Each stream starts with one event, so every append finds a max.
const SEED_STREAMS = `insert into bare_events (stream_id, version, event_id, type, payload)
  select 'bare-' || n, 1, gen_random_uuid(), 'Opened', '{}'::jsonb
  from generate_series(0, $1::int - 1) as n
  on conflict do nothing`;

// The two rows in stream order: writers then always take the index locks in the same order,
// so two transfers between the same two streams collide (a retry) and never deadlock.
const APPEND_TRANSFER = {
  name: 'bare-append-transfer',
  text: `insert into bare_events (stream_id, version, event_id, type, payload)
  select s.stream_id,
    coalesce((select max(e.version) from bare_events e where e.stream_id = s.stream_id), 0) + 1,
    s.event_id, s.type, s.payload
  from (values ($1::text, $2::uuid, $3::text, $4::jsonb),
               ($5::text, $6::uuid, $7::text, $8::jsonb)) as s(stream_id, event_id, type, payload)`,
};

type Figures = {
  streams: number;
  connections: number;
  transfers: number;
  retries: number;
  seconds: number;
  transfersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  payloadBytes: number;
};

/** A payload of the size and shape of a stored movement event's data and metadata. */
function payload(type: string, walletId: string, counterparty: string, movementId: string) {
  const occurredAt = new Date().toISOString();
  return JSON.stringify({
    type,
    data: {
      walletId, movementId, movementKind: 'transfer', currency: 'MYR', amountMinor: '42',
      counterpartyWalletId: counterparty, occurredAt,
    },
    metadata: {
      occurredAt, actorId: randomUUID(), requestId: randomUUID(),
      correlationId: movementId, causationId: movementId,
    },
    hash: 'f'.repeat(64),
  });
}

function transferValues(streams: number): unknown[] {
  const a = Math.floor(Math.random() * streams);
  let b = Math.floor(Math.random() * (streams - 1));
  if (b >= a) b += 1;
  const movementId = randomUUID();
  const debit = { stream: `bare-${a}`, type: 'Debited', other: `bare-${b}` };
  const credit = { stream: `bare-${b}`, type: 'Credited', other: `bare-${a}` };
  const rows = debit.stream < credit.stream ? [debit, credit] : [credit, debit];
  return rows.flatMap((row) =>
    [row.stream, randomUUID(), row.type, payload(row.type, row.stream, row.other, movementId)]);
}

async function closedLoops(
  clients: Client[],
  streams: number,
  durationMs: number,
): Promise<{ transfers: number; retries: number; seconds: number; latenciesUs: number[] }> {
  const latenciesUs: number[] = [];
  let retries = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(clients.map(async (client) => {
    while (Date.now() < deadline) {
      const t0 = process.hrtime.bigint();
      const values = transferValues(streams);
      for (;;) {
        try {
          await client.query({ ...APPEND_TRANSFER, values });
          break;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== UNIQUE_VIOLATION && code !== DEADLOCK_DETECTED) throw error;
          retries += 1;
        }
      }
      latenciesUs.push(Number((process.hrtime.bigint() - t0) / 1000n));
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { transfers: latenciesUs.length, retries, seconds, latenciesUs };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const streams = positiveIntFlag(argv, 'streams', 10_000);
  const connections = positiveIntFlag(argv, 'connections', 16);
  const seconds = positiveIntFlag(argv, 'seconds', 15);
  const warmupSeconds = Number(argv.find((a) => a.startsWith('--warmup-seconds='))
    ?.split('=')[1] ?? 3);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (the scratch database) is required');
  const clients = Array.from({ length: connections }, () => new Client({ connectionString: url }));
  await Promise.all(clients.map((client) => client.connect()));
  try {
    await clients[0]!.query(CREATE_TABLE);
    await clients[0]!.query(SEED_STREAMS, [streams]);
    if (warmupSeconds > 0) await closedLoops(clients, streams, warmupSeconds * 1000);
    const run = await closedLoops(clients, streams, seconds * 1000);
    const figures: Figures = {
      streams,
      connections,
      transfers: run.transfers,
      retries: run.retries,
      seconds: Number(run.seconds.toFixed(3)),
      transfersPerSecond: Math.round(run.transfers / run.seconds),
      p50Ms: percentileMs(run.latenciesUs, 50),
      p99Ms: percentileMs(run.latenciesUs, 99),
      payloadBytes: Buffer.byteLength(payload('Debited', 'bare-0', 'bare-1', randomUUID())),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bare-sql bench failed: ${String(error)}\n`);
  process.exit(1);
});
