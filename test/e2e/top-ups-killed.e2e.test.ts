// Goal: a `tng serve` process killed with SIGKILL after a top-up's credit committed, before
// Stripe got the answer, costs nothing: Stripe's retry, served by another process on the
// same database, credits nothing more. Two real processes; a proxy in front of the first one
// forwards the webhook but swallows the reply (so Stripe sees no answer), and the first is
// then killed -9 before Stripe retries against the second.
import { deliverWebhook, startFakeStripeServer, type FakeStripeServer } from '../../shared/testing/fake-stripe-server';
import { createTestPool } from '../../shared/testing/test-pool';
import { openWallet, signUp, call } from '../support/api';
import { eventually } from '../support/ledger-checks';
import { killQuietly } from '../support/processes';
import { startReplyDroppingProxy } from '../support/reply-dropping-proxy';
import { startServeCluster, type ServeCluster } from '../support/serve-processes';
import { checkoutWebhook, stripeEnv, WEBHOOK_SECRET } from '../support/stripe-flow';

let fake: FakeStripeServer;
let cluster: ServeCluster;

beforeAll(async () => {
  fake = await startFakeStripeServer();
  cluster = await startServeCluster(2, stripeEnv(fake.url));
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  await fake?.stop();
});

test('killed after the credit commits, before the reply; Stripe retries: one credit', async () => {
  const [first, second] = cluster.servers as [typeof cluster.servers[0], typeof cluster.servers[0]];
  const alice = await signUp(first, 'alice');
  const walletId = await openWallet(first, alice);
  const requested = await call(first, 'POST', `/v1/wallets/${walletId}/top-ups`, {
    token: alice.token, headers: { 'idempotency-key': 'k-1' }, body: { amount: '4200', currency: 'MYR' },
  });
  expect(requested.status).toBe(201);
  const topUpId = requested.body.topUpId as string;
  const session = fake.sessions().find((s) => s.client_reference_id === topUpId)!;
  const body = checkoutWebhook(fake.pay(session.id), 'checkout.session.completed');

  const pool = createTestPool({ connectionString: cluster.db.url, max: 2 });
  const credits = async () => (await pool.query(
    `select count(*)::int as n from events
      where stream_id = $1 and type = 'WalletCredited' and data->>'movementId' = $2`,
    [`wallet-${walletId}`, topUpId],
  )).rows[0].n as number;
  try {
    const proxy = await startReplyDroppingProxy(new URL(first.url));
    const lost = deliverWebhook(`${proxy.url}/v1/webhooks/stripe`, body, WEBHOOK_SECRET);
    await expect(lost).rejects.toThrow();
    await eventually(async () => ((await credits()) === 1 ? true : undefined), 'credit committed');
    killQuietly(-first.pid, 'SIGKILL'); // the whole process group, as kill -9 of the service
    await proxy.close();

    const retried = await deliverWebhook(`${second.url}/v1/webhooks/stripe`, body, WEBHOOK_SECRET);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ received: true, outcome: 'duplicate' });
    expect(await credits()).toBe(1);
  } finally {
    await pool.end();
  }
});
