// Goal: the read side's typed queries (slonik's sql tag) over the runtime's pg Pool read rows
// typed by their zod schema (int8 as bigint, timestamptz as Date), refuse a row that does not
// fit it, give every client back to the pool, keep a transaction on one connection, and fail a
// read on a killed connection or an unreachable server as `unavailable` (within the pool's
// connect timeout).
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Pool } from 'pg';
import { sql, SchemaValidationError } from 'slonik';
import { z } from 'zod';
import { isDependencyUnavailable } from '../../errors/unavailable';
import { PG_TYPES } from './pg-types';
import { createFreshDatabase, type FreshDatabase } from '../../testing/fresh-database';
import { createTestPool } from '../../testing/test-pool';
import type { ReadDatabase } from '../../ports/read-database.port';
import { createPgReadDatabase } from './pg-read-database';

let db: FreshDatabase;
let pool: Pool;
let readDatabase: ReadDatabase;
beforeAll(async () => {
  db = await createFreshDatabase();
  pool = createTestPool({ connectionString: db.url, max: 3, types: PG_TYPES });
  readDatabase = createPgReadDatabase(pool, { checkRows: true });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const Row = z.object({ big: z.bigint(), at: z.date(), label: z.string().nullable() });

test('rows arrive typed by their schema', async () => {
  const row = await readDatabase.one(sql.type(Row)`
    select 9007199254740993::bigint as big, timestamptz '2026-01-02T03:04:05.678Z' as at,
           ${null}::text as label`);
  expect(row).toEqual({
    big: 9007199254740993n, at: new Date('2026-01-02T03:04:05.678Z'), label: null,
  });
});

test('a row that does not fit its schema is refused', async () => {
  const read = readDatabase.one(sql.type(Row)`select 1::int as big, now() as at, 'x' as label`);
  await expect(read).rejects.toBeInstanceOf(SchemaValidationError);
});

test('clients go back to the pool: more reads than clients, none held afterwards', async () => {
  const reads = Array.from({ length: 20 }, (_, index) =>
    readDatabase.one(sql.type(z.object({ n: z.number() }))`select ${index}::int as n`)
      .then((row) => row.n));
  expect(await Promise.all(reads)).toEqual(Array.from({ length: 20 }, (_, index) => index));
  expect(pool.totalCount - pool.idleCount).toBe(0);
  expect(pool.waitingCount).toBe(0);
});

test('a transaction runs on one connection', async () => {
  const Pid = z.object({ pid: z.number() });
  const pids = await readDatabase.transaction(async (tx) => [
    (await tx.one(sql.type(Pid)`select pg_backend_pid() as pid`)).pid,
    (await tx.one(sql.type(Pid)`select pg_backend_pid() as pid`)).pid,
  ]);
  expect(new Set(pids).size).toBe(1);
});

test('a connection killed during a read fails it as unavailable, and the next read works', async () => {
  const Killed = z.object({ killed: z.boolean() });
  const error = await readDatabase
    .one(sql.type(Killed)`select pg_terminate_backend(pg_backend_pid()) as killed`)
    .catch((caught: unknown) => caught);
  expect(isDependencyUnavailable(error)).toBe(true);
  const One = z.object({ n: z.number() });
  expect(await readDatabase.one(sql.type(One)`select 1 as n`)).toEqual({ n: 1 });
});

test('an unreachable server fails the read as unavailable, within the connect timeout', async () => {
  // A port that accepts TCP and never answers: only the connect timeout ends the wait.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadPool = createTestPool({ connectionString: url, connectionTimeoutMillis: 200 });
  const dead = createPgReadDatabase(deadPool, { checkRows: true });
  try {
    const started = Date.now();
    const error = await dead.one(sql.type(Row)`select 1`).catch((caught: unknown) => caught);
    expect(isDependencyUnavailable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  } finally {
    await deadPool.end();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});
