// Goal: a hold's capture or release while Postgres cannot be reached answers 503 `unavailable`
// with Retry-After, never 404 "no such hold" (which would tell the client the hold is gone
// and not to retry). Once Postgres is back the hold is still active, nothing of the refused
// requests was stored, and the balance is unchanged.
// The app reaches its database through a TCP proxy that the test stops and starts, or that
// cuts the connection reading one wallet's stream; the test itself looks at the database
// directly. With the proxy shut the hold's claim lookup fails first; the cut reaches the
// wallet's load behind it, which once turned every failure into 404.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { call, fund, openWallet, signUp, withRole, type Reply, type User } from '../support/api';
import { aProblem, eventually, problemOf } from '../support/ledger-checks';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { testEnv } from '../../shared/testing/test-env';

const RECOVERY_TIMEOUT_MS = 20_000;
jest.setTimeout(60_000);
const FUNDED = '10000';
const HELD = '2500';

let proxy: TcpProxy;
let app: TestApp;
let alice: User;
let aliceWallet: string;
let bobWallet: string;

beforeAll(async () => {
  const postgres = new URL(testEnv.adminUrl());
  proxy = await startTcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
  app = await startTestApp({ databaseUrlVia: proxy.via });
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  aliceWallet = await openWallet(app, alice);
  bobWallet = await openWallet(app, bob);
  expect((await fund(app, admin, aliceWallet, FUNDED)).status).toBe(201);
});
afterAll(async () => {
  await proxy?.up();
  await app?.stop();
  await proxy?.close();
});

/** The types of the wallet's events, read directly (not through the proxy). */
async function eventTypes(walletId: string): Promise<string[]> {
  const client = new Client({ connectionString: app.db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ type: string }>(
      'select type from events where stream_id = $1 order by stream_version',
      [`wallet-${walletId}`],
    );
    return rows.map((row) => row.type);
  } finally {
    await client.end();
  }
}

const withKey = () => ({ 'idempotency-key': randomUUID() });
const unavailable = aProblem(503, 'unavailable');
const retryAfterSeconds = (reply: Reply) => Number(reply.headers.get('retry-after'));

async function placeHold(): Promise<Reply> {
  const placed = await call(app, 'POST', `/v1/wallets/${aliceWallet}/holds`, {
    token: alice.token,
    headers: withKey(),
    body: { amount: HELD, currency: 'MYR', reason: 'hotel deposit' },
  });
  expect(placed.status).toBe(201);
  return placed;
}

/** Capture and release of the hold, both refused with 503 and a Retry-After. */
async function expectCaptureAndReleaseUnavailable(holdId: string): Promise<void> {
  const captured = await call(app, 'POST', `/v1/holds/${holdId}/capture`, {
    token: alice.token,
    headers: withKey(),
    body: { targetWalletId: bobWallet },
  });
  const released = await call(app, 'POST', `/v1/holds/${holdId}/release`, {
    token: alice.token,
    headers: withKey(),
  });
  for (const [what, reply] of [['capture', captured], ['release', released]] as const) {
    expect({ what, ...problemOf(reply) }).toEqual({ what, ...unavailable });
    expect(retryAfterSeconds(reply)).toBeGreaterThanOrEqual(1);
  }
}

/** Once Postgres answers again: the hold is untouched (same events, same funds held). */
async function expectHoldUntouched(placed: Reply, eventsBefore: string[], held: bigint) {
  const view = await eventually(async () => {
    const reply = await call(app, 'GET', `/v1/wallets/${aliceWallet}`, {
      token: alice.token,
      headers: { 'x-min-position': placed.headers.get('x-ledger-position')! },
    });
    return reply.status === 200 ? reply : undefined;
  }, 'the wallet once Postgres is back', RECOVERY_TIMEOUT_MS);
  expect(view.body).toMatchObject({ balance: FUNDED, held: held.toString() });
  expect(await eventTypes(aliceWallet)).toEqual(eventsBefore);
}

async function expectReleased(holdId: string): Promise<void> {
  const released = await call(app, 'POST', `/v1/holds/${holdId}/release`, {
    token: alice.token,
    headers: withKey(),
  });
  expect(released.status).toBe(200);
  expect(released.body).toEqual({ holdId, status: 'released' });
}

describe('issue 9: a hold capture or release while Postgres is gone', () => {
  test('with Postgres refusing connections: 503, and the hold survives untouched', async () => {
    const placed = await placeHold();
    const { holdId } = placed.body as { holdId: string };
    const before = await eventTypes(aliceWallet);

    await proxy.down();
    await expectCaptureAndReleaseUnavailable(holdId);
    await proxy.up();

    await expectHoldUntouched(placed, before, BigInt(HELD));
    // Still active: it can be released now.
    await expectReleased(holdId);
  });

  test('with the connection lost while loading the wallet: 503, not "no such hold"', async () => {
    const placed = await placeHold();
    const { holdId } = placed.body as { holdId: string };
    const before = await eventTypes(aliceWallet);
    // A restarted command API has no cached wallet: the capture reads the wallet's stream.
    await app.server.stop();
    app = await startTestApp({ database: app.db, databaseUrlVia: proxy.via });

    proxy.cutOn(`wallet-${aliceWallet}`);
    try {
      await expectCaptureAndReleaseUnavailable(holdId);
    } finally {
      proxy.cutOn(null);
    }

    await expectHoldUntouched(placed, before, BigInt(HELD));
    await expectReleased(holdId);
  });
});
