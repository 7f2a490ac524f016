// Goal: under 2,000 concurrent random transfers between 20 wallets, through real HTTP, money is
// neither created nor destroyed: the wallets end with exactly what was funded, none below zero;
// every acknowledged transfer is one debit and one credit in the event log, every refusal one
// TransferRejected; the read models agree with the events; and `tng audit verify` passes.
import { randomUUID } from 'node:crypto';
import {
  call, fund, inParallel, openWallet, signUp, transfer, withRole, type User,
} from '../support/api';
import {
  auditStream, balanceFromEvents, maxPositionToken, runTng, sumMinor, CLI_TIMEOUT_MS,
  type AuditedEvent,
} from '../support/ledger-checks';
import {
  checkEventLog, countBy, groupByStatus, seededRandom, type BankAttempt, type BankWallet,
} from '../support/bank-checks';
import { startTestApp, type TestApp } from '../support/test-app';

const USERS = 5;
const WALLETS_PER_USER = 4;
const FUNDING_MINOR = 20_000n;
const TRANSFERS = 2_000;
const CONCURRENCY = 64;
const SEED = Number(process.env.BANK_SEED ?? 20_240_601);

let app: TestApp;
let admin: User;
let auditor: User;
let wallets: BankWallet[];

beforeAll(async () => {
  app = await startTestApp();
  admin = await withRole(app, await signUp(app, 'admin'), 'admin');
  auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
  const owners = await Promise.all(
    Array.from({ length: USERS }, (_, index) => signUp(app, `owner${index}`)),
  );
  wallets = [];
  for (const owner of owners) {
    for (let index = 0; index < WALLETS_PER_USER; index += 1) {
      wallets.push({ walletId: await openWallet(app, owner), owner });
    }
  }
  const funded = await Promise.all(
    wallets.map((wallet) => fund(app, admin, wallet.walletId, FUNDING_MINOR.toString())),
  );
  expect(funded.map((reply) => reply.status)).toEqual(wallets.map(() => 201));
}, 60_000);
afterAll(() => app?.stop());

/** Mostly small amounts; one in seven is larger than any wallet's starting balance. */
function plannedAttempts(): BankAttempt[] {
  const random = seededRandom(SEED);
  return Array.from({ length: TRANSFERS }, () => {
    const source = wallets[random(wallets.length)]!;
    let target = wallets[random(wallets.length - 1)]!;
    if (target === source) target = wallets[wallets.length - 1]!;
    const large = random(7) === 0;
    const amount = large
      ? FUNDING_MINOR + 1n + BigInt(random(40_000))
      : 1n + BigInt(random(1_000));
    return { source, target, amount, key: `bank-${randomUUID()}` };
  });
}

test('2,000 concurrent transfers conserve money and leave a complete, verifiable log', async () => {
  const attempts = plannedAttempts();
  const startedMs = Date.now();
  await inParallel(
    attempts.map((attempt) => async () => {
      attempt.reply = await transfer(
        app,
        attempt.source.owner,
        {
          sourceWalletId: attempt.source.walletId,
          targetWalletId: attempt.target.walletId,
          amount: attempt.amount.toString(),
        },
        attempt.key,
      );
    }),
    CONCURRENCY,
  );
  const elapsedMs = Date.now() - startedMs;

  const byStatus = groupByStatus(attempts);
  const accepted = byStatus.get(201) ?? [];
  const refused = byStatus.get(422) ?? [];
  const conflicts = byStatus.get(409) ?? [];
  const refusalCodes = countBy(refused.map((attempt) => String(attempt.reply!.body.code)));
  process.stdout.write(
    `[bank] ${TRANSFERS} transfers in ${elapsedMs} ms: ${accepted.length} accepted, ` +
      `${refused.length} refused ${JSON.stringify(refusalCodes)}, ` +
      `${conflicts.length} version conflicts (seed ${SEED})\n`,
  );
  expect([...byStatus.keys()].filter((status) => ![201, 409, 422].includes(status))).toEqual([]);
  expect(accepted.length + refused.length + conflicts.length).toBe(TRANSFERS);
  expect(conflicts.every((attempt) => attempt.reply!.body.code === 'version_conflict')).toBe(true);
  expect(refusalCodes.insufficient_funds).toBeGreaterThan(0);
  expect(accepted.length).toBeGreaterThan(TRANSFERS / 2);
  for (const attempt of refused) {
    expect(attempt.reply!.body.transferId).toEqual(expect.any(String));
  }

  const streams = new Map<string, AuditedEvent[]>();
  for (const wallet of wallets) {
    streams.set(wallet.walletId, await auditStream(app, auditor, `wallet-${wallet.walletId}`));
  }
  checkEventLog(accepted, refused, streams);

  const balances = wallets.map((wallet) => balanceFromEvents(streams.get(wallet.walletId)!));
  expect(sumMinor(balances)).toBe(FUNDING_MINOR * BigInt(wallets.length));
  expect(balances.filter((balance) => balance < 0n)).toEqual([]);

  const position = maxPositionToken(attempts.map((a) => a.reply!.headers.get('x-ledger-position')));
  for (const [index, wallet] of wallets.entries()) {
    const view = await call(app, 'GET', `/v1/wallets/${wallet.walletId}`, {
      token: wallet.owner.token,
      headers: { 'x-min-position': position },
    });
    expect(view.status).toBe(200);
    const expected = balances[index]!.toString();
    expect(view.body).toMatchObject({ balance: expected, available: expected, held: '0' });
  }

  const verified = await runTng(app.db.url, 'audit', 'verify', '--json');
  const report = JSON.parse(verified.stdout);
  expect(report.checks.filter((check: { ok: boolean }) => !check.ok)).toEqual([]);
  expect(report.ok).toBe(true);
  expect(verified.code).toBe(0);
}, 120_000 + CLI_TIMEOUT_MS);
