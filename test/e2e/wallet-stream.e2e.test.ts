// Goal: GET /v1/wallets/:walletId/stream keeps a wallet's screen live (docs/api.md, "Live
// wallet views"): the view at once and after every projected change, `id:` = the ledger
// position, resumable with Last-Event-ID without losing an update; only the owner, auditors
// and admins may watch; open streams are bounded per user; heartbeats flow; and the server
// stops cleanly with a stream open. Refusals go through test/support/api.ts's call(), so
// they are also checked against /docs/json.
import { comparePositions, decodePosition } from '../../shared/ports/event-store.port';
import { waitUntil } from '../../shared/testing/wait-until';
import { call, fund, openWallet, signUp, transfer, withRole, type User } from '../support/api';
import { openStream, type StreamEvent } from '../support/event-stream';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let admin: User;
let alice: User;
let bob: User;
let aliceWallet: string;
let bobWallet: string;
let funded: string;

beforeAll(async () => {
  app = await startTestApp({
    env: {
      WALLET_STREAMS_PER_USER_MAX: '2',
      WALLET_STREAM_HEARTBEAT_MS: '200',
      WALLET_STREAM_POLL_MS: '20',
    },
  });
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  alice = await signUp(app, 'alice');
  bob = await signUp(app, 'bob');
  aliceWallet = await openWallet(app, alice);
  bobWallet = await openWallet(app, bob);
  const funding = await fund(app, admin, aliceWallet, '10000');
  expect(funding.status).toBe(201);
  funded = funding.headers.get('x-ledger-position')!;
}, 60_000);
afterAll(() => app?.stop());

const streamPath = (walletId: string) => `/v1/wallets/${walletId}/stream`;
const watch = (user: User, walletId: string, headers: Record<string, string> = {}) =>
  openStream(`${app.url}${streamPath(walletId)}`, {
    authorization: `Bearer ${user.token}`, 'x-min-position': funded, ...headers,
  });
const isWallet = (item: StreamEvent) => item.event === 'wallet';
const balanceIs = (balance: string) => (item: StreamEvent) =>
  isWallet(item) && JSON.parse(item.data!).balance === balance;

test('sends the view at once and again after a transfer, with its ledger position as id', async () => {
  const stream = await watch(alice, aliceWallet);
  try {
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toBe('no-store');
    const first = await stream.next(isWallet);
    expect(JSON.parse(first.data!)).toMatchObject({
      walletId: aliceWallet, balance: '10000', available: '10000', held: '0',
    });
    expect(decodePosition(first.id!)).not.toBeNull();
    const sent = await transfer(app, alice, {
      sourceWalletId: aliceWallet, targetWalletId: bobWallet, amount: '1250',
    });
    expect(sent.status).toBe(201);
    const after = await stream.next(balanceIs('8750'));
    const committed = decodePosition(sent.headers.get('x-ledger-position')!)!;
    expect(comparePositions(decodePosition(after.id!)!, committed)).toBeGreaterThanOrEqual(0);
  } finally {
    stream.close();
  }
});

test('resumes from Last-Event-ID with the update made while it was away', async () => {
  const before = await watch(alice, aliceWallet);
  const seen = await before.next(isWallet);
  const balanceSeen = BigInt(JSON.parse(seen.data!).balance);
  before.close();
  const sent = await transfer(app, alice, {
    sourceWalletId: aliceWallet, targetWalletId: bobWallet, amount: '100',
  });
  expect(sent.status).toBe(201);
  const resumed = await watch(alice, aliceWallet, { 'last-event-id': seen.id! });
  try {
    await resumed.next(balanceIs(String(balanceSeen - 100n)));
  } finally {
    resumed.close();
  }
});

test('a malformed Last-Event-ID is refused with 400', async () => {
  const reply = await call(app, 'GET', streamPath(aliceWallet), {
    token: alice.token, headers: { 'last-event-id': 'not-a-position' },
  });
  expect(reply.status).toBe(400);
  expect(reply.body.code).toBe('invalid_request');
});

test('only the owner, auditors and admins may watch: 404 for another user, 401 without a token',
  async () => {
    const stranger = await call(app, 'GET', streamPath(aliceWallet), { token: bob.token });
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe('not_found');
    const missing = await call(app, 'GET', streamPath('no-such-wallet'), { token: alice.token });
    expect(missing.status).toBe(404);
    expect((await call(app, 'GET', streamPath(aliceWallet))).status).toBe(401);
    const auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
    const audited = await watch(auditor, aliceWallet);
    try {
      expect(audited.status).toBe(200);
      expect(JSON.parse((await audited.next(isWallet)).data!).walletId).toBe(aliceWallet);
    } finally {
      audited.close();
    }
  });

test('bounds open streams per user (429 with Retry-After), and frees a place when one closes',
  async () => {
    const first = await watch(bob, bobWallet);
    const second = await watch(bob, bobWallet);
    try {
      expect([first.status, second.status]).toEqual([200, 200]);
      const third = await call(app, 'GET', streamPath(bobWallet), { token: bob.token });
      expect(third.status).toBe(429);
      expect(third.body.code).toBe('rate_limited');
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another user is not affected by bob's streams.
      const other = await watch(alice, aliceWallet);
      expect(other.status).toBe(200);
      other.close();
      first.close();
      await waitUntil('a freed stream place', async () => {
        const again = await watch(bob, bobWallet);
        again.close();
        return again.status === 200;
      });
    } finally {
      first.close();
      second.close();
    }
  });

test('sends heartbeat comments while nothing changes', async () => {
  const stream = await watch(bob, bobWallet);
  try {
    await stream.next((item) => item.comment === 'heartbeat');
  } finally {
    stream.close();
  }
});

test('a query API apart from the projector (another server on the database) streams its changes',
  async () => {
    // Same database, no projector or command API here: changes come only through Postgres.
    const queryOnly = await startTestApp({
      database: app.db, services: ['query-api'], env: { WALLET_STREAM_POLL_MS: '20' },
    });
    const stream = await openStream(`${queryOnly.url}${streamPath(bobWallet)}`, {
      authorization: `Bearer ${bob.token}`, 'x-min-position': funded,
    });
    try {
      const first = JSON.parse((await stream.next(isWallet)).data!);
      const sent = await transfer(app, alice, {
        sourceWalletId: aliceWallet, targetWalletId: bobWallet, amount: '7',
      });
      expect(sent.status).toBe(201);
      await stream.next(balanceIs(String(BigInt(first.balance) + 7n)));
    } finally {
      stream.close();
      await queryOnly.server.stop(); // Not queryOnly.stop(): the database is the main app's.
    }
  });

// Last: it stops the server.
test('the server stops cleanly with a stream open, ending the stream', async () => {
  const stream = await watch(alice, aliceWallet);
  await stream.next(isWallet);
  // Jest's timeout bounds this: a stream kept open would hold the server's close for a minute.
  await app.server.stop();
  await stream.ended;
});
