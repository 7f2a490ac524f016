// Goal: a hot wallet's commands do not wait a commit each (docs/architecture.md, "Hot
// wallets"). Thirty concurrent transfers from one wallet, each with its own key, all succeed,
// in far fewer group-commit batches than transfers: each was decided on the state the
// previous one's append would leave and went into the store chained after it, instead of
// waiting for its commit (one batch per transfer, as before). The money stays exact: the
// source ends at its funding minus the thirty amounts, and its history has every version.
import { call, fund, inParallel, openWallet, signUp, transfer, withRole } from '../support/api';
import { maxPositionToken } from '../support/ledger-checks';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { startTestApp, type TestApp } from '../support/test-app';

const TRANSFERS = 30;
const FUNDING_MINOR = 100_000n;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

const batchesWritten = async () => sampleValue(
  parseSamples((await call(app, 'GET', '/metrics')).text), 'tng_append_batch_size_count') ?? 0;

test(`${TRANSFERS} concurrent transfers from one wallet share batches, and the sums hold`,
  async () => {
    const admin = await withRole(app, await signUp(app, 'admin'), 'admin');
    const payer = await signUp(app, 'payer');
    const source = await openWallet(app, payer);
    const payees = await Promise.all([signUp(app, 'payee-a'), signUp(app, 'payee-b')]);
    const targets = await Promise.all(payees.map((payee) => openWallet(app, payee)));
    expect((await fund(app, admin, source, FUNDING_MINOR.toString())).status).toBe(201);
    // Once, so the wallets are in the command API's cache, as a busy wallet's are.
    expect((await transfer(app, payer, { sourceWalletId: source, targetWalletId: targets[0]!,
      amount: '1' })).status).toBe(201);

    const before = await batchesWritten();
    const replies = await inParallel(
      Array.from({ length: TRANSFERS }, (_, index) => () => transfer(app, payer, {
        sourceWalletId: source, targetWalletId: targets[index % 2]!, amount: String(index + 1),
      })),
      TRANSFERS,
    );
    const batches = (await batchesWritten()) - before;

    expect(replies.map((reply) => reply.status)).toEqual(Array(TRANSFERS).fill(201));
    // Waiting a commit each would take a batch per transfer; chained, a handful.
    expect(batches).toBeLessThanOrEqual(TRANSFERS / 3);
    const spent = 1n + BigInt((TRANSFERS * (TRANSFERS + 1)) / 2);
    const position = maxPositionToken(replies.map((reply) => reply.headers.get('x-ledger-position')));
    const wallet = await call(app, 'GET', `/v1/wallets/${source}`, {
      token: payer.token, headers: { 'x-min-position': position },
    });
    expect(wallet.body.balance).toBe((FUNDING_MINOR - spent).toString());
  });
