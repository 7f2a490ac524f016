// Goal: a hot wallet's commands do not wait a commit each (docs/architecture.md, "Hot
// wallets"). Thirty concurrent transfers from one wallet, each with its own key, all succeed,
// in far fewer group-commit batches than transfers: each was decided on the state the
// previous one's append would leave and went into the store chained after it, instead of
// waiting for its commit (one batch per transfer, as before: 33). The money stays exact: the
// source's history in the log sums to its funding minus the thirty amounts. Only the APIs
// run, so no saga's appends (mails sent, fraud hints) are counted among the batches.
import { call, fund, inParallel, openWallet, signUp, transfer, withRole } from '../support/api';
import { auditStream, balanceFromEvents } from '../support/ledger-checks';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { startTestApp, type TestApp } from '../support/test-app';

const TRANSFERS = 30;
const FUNDING_MINOR = 100_000n;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ services: ['command-api', 'query-api'] });
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
    // Waiting a commit each takes a batch per transfer (33 seen); chained, a handful on a quiet
    // machine, but a saturated one spreads the arrivals (15 seen in CI): so the bound only
    // says that batches were shared, which the old runner never did.
    expect(batches).toBeLessThan((TRANSFERS * 4) / 5);
    const spent = 1n + BigInt((TRANSFERS * (TRANSFERS + 1)) / 2);
    const auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
    const history = await auditStream(app, auditor, `wallet-${source}`);
    expect(balanceFromEvents(history)).toBe(FUNDING_MINOR - spent);
    expect(history.map((event) => BigInt(event.streamVersion)))
      .toEqual(history.map((_, index) => BigInt(index + 1)));
  });
