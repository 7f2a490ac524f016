// Goal: while Postgres refuses the app's connections, every route that needs it fails closed
// with 503 `unavailable` and a Retry-After (never a 500), /health/ready says so, nothing is
// stored for a refused request, and once Postgres is back the app recovers by itself.
// The app reaches its database through a TCP proxy that the test stops and starts; the test
// itself looks at the database directly.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  call, fund, openWallet, PASSWORD, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import { aProblem, eventually, problemOf } from '../support/ledger-checks';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { testEnv } from '../../shared/testing/test-env';

const RECOVERY_TIMEOUT_MS = 20_000;
jest.setTimeout(60_000);
const REFUSED_AMOUNT = '777';
const RECOVERED_AMOUNT = '1234';

let proxy: TcpProxy;
let app: TestApp;
let alice: User;
let auditor: User;
let aliceWallet: string;
let bobWallet: string;

beforeAll(async () => {
  const postgres = new URL(testEnv.adminUrl());
  proxy = await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
  app = await startTestApp({ databaseUrlVia: proxy.via });
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
  alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  aliceWallet = await openWallet(app, alice);
  bobWallet = await openWallet(app, bob);
  expect((await fund(app, admin, aliceWallet, '10000')).status).toBe(201);
});
afterAll(async () => {
  await proxy?.up();
  await app?.stop();
  await proxy?.close();
});

/** What the app's database holds, read directly (not through the proxy). */
async function inDatabase<T>(query: string, values: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: app.db.url });
  await client.connect();
  try {
    return (await client.query(query, values)).rows as T[];
  } finally {
    await client.end();
  }
}

const unavailable = aProblem(503, 'unavailable');
const retryAfterSeconds = (reply: Reply) => Number(reply.headers.get('retry-after'));

describe('issue 8, point 4: failing closed when Postgres is gone', () => {
  test('503 unavailable with Retry-After while Postgres refuses; recovery afterwards', async () => {
    const refusedKey = randomUUID();
    await proxy.down();

    const movement = { sourceWalletId: aliceWallet, targetWalletId: bobWallet };
    const refused = await transfer(app, alice, { ...movement, amount: REFUSED_AMOUNT }, refusedKey);
    expect(problemOf(refused)).toEqual(unavailable);
    expect(retryAfterSeconds(refused)).toBeGreaterThanOrEqual(1);

    const reads: Array<[string, Promise<Reply>]> = [
      ['wallet', call(app, 'GET', `/v1/wallets/${aliceWallet}`, { token: alice.token })],
      ['history', call(app, 'GET', `/v1/wallets/${aliceWallet}/transactions`, {
        token: alice.token,
      })],
      ['me', call(app, 'GET', '/v1/me', { token: alice.token })],
      ['audit', call(app, 'GET', `/v1/audit/streams/wallet-${aliceWallet}`, {
        token: auditor.token,
      })],
      ['login', call(app, 'POST', '/v1/auth/login', {
        body: { email: alice.email, password: PASSWORD },
      })],
    ];
    for (const [what, pending] of reads) {
      const reply = await pending;
      expect({ what, ...problemOf(reply) }).toEqual({ what, ...unavailable });
      expect(retryAfterSeconds(reply)).toBeGreaterThanOrEqual(1);
    }
    const ready = await call(app, 'GET', '/health/ready');
    expect(problemOf(ready)).toEqual(unavailable);
    expect(retryAfterSeconds(ready)).toBeGreaterThanOrEqual(1);

    await proxy.up();
    const recovered = await eventually(async () => {
      const reply = await transfer(app, alice, { ...movement, amount: RECOVERED_AMOUNT });
      return reply.status === 201 ? reply : undefined;
    }, 'a transfer once Postgres is back', RECOVERY_TIMEOUT_MS);
    expect(recovered.body.amount).toBe(RECOVERED_AMOUNT);
    expect((await call(app, 'GET', '/health/ready')).status).toBe(200);

    // The ledger holds the recovered transfer and nothing of the refused one.
    const moved = await inDatabase<{ amount: string }>(
      `select data->>'amountMinor' as amount from events
        where stream_id = $1 and type = 'WalletDebited'`,
      [`wallet-${aliceWallet}`],
    );
    expect(moved.map((row) => row.amount)).toEqual([RECOVERED_AMOUNT]);
    const keys = await inDatabase('select 1 from idempotency_keys where key = $1', [refusedKey]);
    expect(keys).toEqual([]);
  });
});
