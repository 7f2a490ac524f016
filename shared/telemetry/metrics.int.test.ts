// Goal: /metrics of the running system carries what operators watch (docs/architecture.md
// "Observability"): HTTP latency by route template, commands by outcome, version conflicts,
// events appended by type, projection position and lag, the conservation imbalance (0), holds
// expired by the sagas' sweeper, rate-limited requests and build info; and no label anywhere
// carries an id. The hold placed here expires within a second, so the sweeper's wiring in
// `tng serve` is exercised end to end.
import { call, fund, openWallet, signUp, transfer, withRole } from '../../test/support/api';
import { startTestApp, type TestApp } from '../../test/support/test-app';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const WAIT_MS_MAX = 10_000;
// Explicit: the machine running the suite may be busy, and jest's default is 5 s.
const STEP_TIMEOUT_MS = 3 * WAIT_MS_MAX;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    env: { RATE_LIMITS: 'on', LEDGER_GAUGES_INTERVAL_MS: '100', HOLD_EXPIRY_INTERVAL_MS: '100' },
  });
}, STEP_TIMEOUT_MS);
afterAll(() => app.stop(), STEP_TIMEOUT_MS);

/** Scrapes /metrics until `ready` accepts the text (bounded), and returns the last scrape. */
async function scrapeUntil(ready: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    const scraped = await call(app, 'GET', '/metrics');
    expect(scraped.status).toBe(200);
    if (ready(scraped.text) || Date.now() > deadline) return scraped.text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('after a transfer and an expired hold, /metrics names every ledger signal', async () => {
  const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  const payer = await signUp(app, 'payer');
  const source = await openWallet(app, payer);
  const target = await openWallet(app, await signUp(app, 'payee'));
  expect((await fund(app, admin, source, '5000')).status).toBe(201);
  const body = { sourceWalletId: source, targetWalletId: target, amount: '1250' };
  expect((await transfer(app, payer, body)).status).toBe(201);
  const hold = await call(app, 'POST', `/v1/wallets/${source}/holds`, {
    token: payer.token,
    headers: { 'idempotency-key': 'hold-1' },
    body: { amount: '100', currency: 'MYR', reason: 'parking', expiresInSeconds: 1 },
  });
  expect(hold.status).toBe(201);

  const text = await scrapeUntil(
    (scraped) =>
      scraped.includes('tng_holds_expired_total 1') &&
      scraped.includes('tng_conservation_imbalance_minor{currency="MYR"} 0') &&
      scraped.includes('tng_projection_lag_events{projection="wallets"} 0') &&
      // Refreshed on its own interval: it may still count the hold as due for a moment.
      scraped.includes('tng_saga_instances{saga="hold_expiry",state="due"} 0'),
  );
  expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/v1\/transfers"/);
  expect(text).toContain('route="/v1/wallets/:walletId/holds"');
  expect(text).toContain('tng_commands_total{command="transfer",outcome="ok"} 1');
  expect(text).toContain('# TYPE tng_version_conflicts_total counter');
  expect(text).toContain('tng_events_appended_total{type="WalletDebited"}');
  expect(text).toContain('tng_events_appended_total{type="HoldExpired"} 1');
  expect(text).toMatch(/tng_projection_position\{projection="wallets"\} [1-9]/);
  expect(text).toContain('tng_projection_lag_events{projection="wallets"} 0');
  expect(text).toContain('tng_conservation_imbalance_minor{currency="MYR"} 0');
  expect(text).toContain('tng_holds_expired_total 1');
  expect(text).toContain('# TYPE tng_rate_limited_total counter');
  // Refreshed with the sagas: the expired hold is no longer pending.
  expect(text).toContain('tng_saga_instances{saga="hold_expiry",state="due"} 0');
  expect(text).toContain('tng_saga_instances{saga="topup_expiry",state="open"} 0');
  expect(text).toMatch(/tng_build_info\{version="[^"]+",node="v\d+/);

  // The expiry reaches the read model a moment after the sweep: wait for it, bounded.
  const deadline = Date.now() + WAIT_MS_MAX;
  let wallet = await call(app, 'GET', `/v1/wallets/${source}`, { token: payer.token });
  while (wallet.body.held !== '0' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    wallet = await call(app, 'GET', `/v1/wallets/${source}`, { token: payer.token });
  }
  expect(wallet.body).toMatchObject({ balance: '3750', held: '0', available: '3750' });
}, STEP_TIMEOUT_MS);

test('no label value in /metrics carries an id', async () => {
  const text = (await call(app, 'GET', '/metrics')).text;
  const labelValues = [...text.matchAll(/="([^"]*)"/g)].map((match) => match[1]!);
  expect(labelValues.length).toBeGreaterThan(0);
  expect(labelValues.filter((value) => UUID.test(value))).toEqual([]);
  const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]!));
  expect(routes).toContain('/v1/wallets/:walletId');
});
