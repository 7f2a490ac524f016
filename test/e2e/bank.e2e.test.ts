// Goal: under 2,000 concurrent random transfers between 20 wallets, through real HTTP, money is
// neither created nor destroyed: the wallets end with exactly what was funded, none below zero;
// every acknowledged transfer is one debit and one credit in the event log, every refusal one
// TransferRejected; the read models agree with the events; and `tng audit verify` passes.
import { randomUUID } from 'node:crypto';
import {
  call, fund, inParallel, openWallet, signUp, transfer, withRole, type Reply, type User,
} from '../support/api';
import {
  auditStream, balanceFromEvents, maxPositionToken, runTng, sumMinor, CLI_TIMEOUT_MS,
  type AuditedEvent,
} from '../support/ledger-checks';
import { startTestApp, type TestApp } from '../support/test-app';

const USERS = 5;
const WALLETS_PER_USER = 4;
const FUNDING_MINOR = 20_000n;
const TRANSFERS = 2_000;
const CONCURRENCY = 64;
const SEED = Number(process.env.BANK_SEED ?? 20_240_601);

type Wallet = { walletId: string; owner: User };
type Attempt = { source: Wallet; target: Wallet; amount: bigint; key: string; reply?: Reply };

/** mulberry32: a small seeded generator, so a failing run can be replayed with BANK_SEED. */
function seededRandom(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * bound);
  };
}

let app: TestApp;
let admin: User;
let auditor: User;
let wallets: Wallet[];

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
function plannedAttempts(): Attempt[] {
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

  const byStatus = new Map<number, Attempt[]>();
  for (const attempt of attempts) {
    const status = attempt.reply!.status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), attempt]);
  }
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

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Each accepted transfer is one debit and one credit; each refusal one TransferRejected. */
function checkEventLog(
  accepted: readonly Attempt[],
  refused: readonly Attempt[],
  streams: ReadonlyMap<string, AuditedEvent[]>,
): void {
  const index = (type: string) => {
    const found = new Map<string, AuditedEvent[]>();
    for (const [walletId, events] of streams) {
      for (const event of events.filter((candidate) => candidate.type === type)) {
        const key = `${walletId}/${String(event.data.movementId)}`;
        found.set(key, [...(found.get(key) ?? []), event]);
      }
    }
    return found;
  };
  const debits = index('WalletDebited');
  const credits = index('WalletCredited');
  const rejections = index('TransferRejected');
  const missing: string[] = [];
  for (const attempt of accepted) {
    const id = attempt.reply!.body.transferId as string;
    const debit = debits.get(`${attempt.source.walletId}/${id}`) ?? [];
    const credit = credits.get(`${attempt.target.walletId}/${id}`) ?? [];
    const amount = attempt.amount.toString();
    if (debit.length !== 1 || debit[0]!.data.amountMinor !== amount) missing.push(`debit ${id}`);
    if (credit.length !== 1 || credit[0]!.data.amountMinor !== amount) missing.push(`credit ${id}`);
  }
  for (const attempt of refused) {
    const id = attempt.reply!.body.transferId as string;
    const rejection = rejections.get(`${attempt.source.walletId}/${id}`) ?? [];
    if (rejection.length !== 1 || rejection[0]!.data.code !== attempt.reply!.body.code) {
      missing.push(`rejection ${id}`);
    }
  }
  expect(missing).toEqual([]);
  // Nothing beyond the replies either: funding credits are adjustments, not transfers.
  const transferDebits = [...debits.values()].flat().filter(
    (event) => event.data.movementKind === 'transfer',
  );
  expect(transferDebits.length).toBe(accepted.length);
  expect([...rejections.values()].flat().length).toBe(refused.length);
}
