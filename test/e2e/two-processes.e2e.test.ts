// Goal (issue 9, point 9): money stays safe when two `tng serve` processes write to one
// database. Each process serialises the requests to a wallet with an in-process lock and
// decides on its own cached state, so a single-process app never sends the event store two
// writers of one stream at once; here the requests are split across two real processes, and
// only the store's expected-version check keeps a stale decision out of the ledger. Two
// scenarios: a bank of random concurrent transfers (money conserved, no wallet below zero,
// every 201 one debit and one credit in the log, the read model equal to the ledger, `tng
// audit verify` passes) and the last coin (one transfer's worth spent by many concurrent
// transfers: exactly one succeeds, the rest are refused insufficient_funds, the balance is 0).
import { randomUUID } from 'node:crypto';
import {
  call, fund, inParallel, openWallet, signUp, transfer, type HttpTarget, type Reply,
  type User,
} from '../support/api';
import {
  checkEventLog, countBy, groupByStatus, seededRandom, sendTransfers, type BankAttempt,
  type BankWallet,
} from '../support/bank-checks';
import {
  aProblem, auditStream, balanceFromEvents, maxPositionToken, problemOf, sumMinor,
  type AuditedEvent,
} from '../support/ledger-checks';
import {
  clusterOperator, serverOf, startServeCluster, type ServeCluster,
} from '../support/serve-processes';

const USERS = 4;
const WALLETS_PER_USER = 2;
// Small balances and amounts of the same size, so that a debit decided on a stale balance
// would overdraw the wallet instead of passing unnoticed.
const FUNDING_MINOR = 1_000n;
const TRANSFERS = 400;
const CONCURRENCY = 32;
const SEED = Number(process.env.BANK_SEED ?? 20_261_203);
const LAST_COIN_MINOR = 777n;
const LAST_COIN_ATTEMPTS = 40;

let cluster: ServeCluster;
let admin: User;
let auditor: User;

jest.setTimeout(60_000);

beforeAll(async () => {
  cluster = await startServeCluster(2);
  admin = await clusterOperator(cluster, 'admin');
  auditor = await clusterOperator(cluster, 'auditor');
});
afterAll(() => cluster?.stop());

/** Requests alternate between the two processes. */
const serverFor = (index: number): HttpTarget => serverOf(cluster, index);

async function fundedWallet(owner: User, amount: bigint, index: number): Promise<string> {
  const walletId = await openWallet(serverFor(index), owner);
  const funded = await fund(serverFor(index + 1), admin, walletId, amount.toString());
  expect(funded.status).toBe(201);
  return walletId;
}

/** The wallet's balance as the read model shows it, on every process, once caught up. */
async function readModelBalances(walletId: string, owner: User, position: string) {
  return Promise.all(cluster.servers.map(async (server) => {
    const view = await call(server, 'GET', `/v1/wallets/${walletId}`, {
      token: owner.token,
      headers: { 'x-min-position': position },
    });
    expect(view.status).toBe(200);
    return view.body as { balance: string; available: string; held: string };
  }));
}

/** USERS owners with WALLETS_PER_USER wallets each, every wallet funded FUNDING_MINOR. */
async function fundedWallets(): Promise<BankWallet[]> {
  const owners = await Promise.all(
    Array.from({ length: USERS }, (_, index) => signUp(serverFor(index), `owner${index}`)),
  );
  const wallets: BankWallet[] = [];
  for (const [index, owner] of owners.entries()) {
    for (let slot = 0; slot < WALLETS_PER_USER; slot += 1) {
      wallets.push({ walletId: await fundedWallet(owner, FUNDING_MINOR, index + slot), owner });
    }
  }
  return wallets;
}

function plannedAttempts(wallets: readonly BankWallet[]): BankAttempt[] {
  const random = seededRandom(SEED);
  return Array.from({ length: TRANSFERS }, () => {
    const source = wallets[random(wallets.length)]!;
    let target = wallets[random(wallets.length - 1)]!;
    if (target === source) target = wallets[wallets.length - 1]!;
    const amount = 1n + BigInt(random(Number(FUNDING_MINOR) * 3 / 4));
    return { source, target, amount, key: `bank2-${randomUUID()}` };
  });
}

test('random transfers split across two processes conserve money and match the ledger', async () => {
  const wallets = await fundedWallets();
  const attempts = plannedAttempts(wallets);
  const elapsedMs = await sendTransfers(attempts, serverFor, CONCURRENCY);

  const statuses = groupByStatus(attempts);
  const accepted = statuses.get(201) ?? [];
  const refused = statuses.get(422) ?? [];
  const conflicts = statuses.get(409) ?? [];
  const refusalCodes = countBy(refused.map((attempt) => String(attempt.reply!.body.code)));
  process.stdout.write(
    `[bank, 2 processes] ${TRANSFERS} transfers in ${elapsedMs} ms: ${accepted.length} ` +
      `accepted, ${refused.length} refused ${JSON.stringify(refusalCodes)}, ` +
      `${conflicts.length} version conflicts (seed ${SEED})\n`,
  );

  // The ledger first: what the events say happened, whatever the replies said.
  const streams = new Map<string, AuditedEvent[]>();
  for (const wallet of wallets) {
    streams.set(wallet.walletId, await auditStream(serverFor(0), auditor, `wallet-${wallet.walletId}`));
  }
  const balances = wallets.map((wallet) => balanceFromEvents(streams.get(wallet.walletId)!));
  expect(balances.filter((balance) => balance < 0n)).toEqual([]);
  expect(sumMinor(balances)).toBe(FUNDING_MINOR * BigInt(wallets.length));

  expect(attempts.flatMap((attempt) => attempt.failure ?? [])).toEqual([]);
  // Contention alone never fails a request: a retry under the streams' locks cannot lose.
  expect([...statuses.keys()].filter((status) => ![201, 422].includes(status))).toEqual([]);
  expect(conflicts.map((attempt) => attempt.reply!.body.code)).toEqual([]);
  expect(refusalCodes).toEqual({ insufficient_funds: refused.length });
  expect(accepted.length).toBeGreaterThan(TRANSFERS / 4);
  expect(refused.length).toBeGreaterThan(0);
  checkEventLog(accepted, refused, streams);

  const position = maxPositionToken(attempts.map((a) => a.reply!.headers.get('x-ledger-position')));
  for (const [index, wallet] of wallets.entries()) {
    const expected = balances[index]!.toString();
    const views = await readModelBalances(wallet.walletId, wallet.owner, position);
    expect(views).toEqual(views.map(() => ({
      ...views[0], balance: expected, available: expected, held: '0',
    })));
  }

  const verified = await cluster.tng('audit', 'verify', '--json');
  const report = JSON.parse(verified.stdout);
  expect(report.checks.filter((check: { ok: boolean }) => !check.ok)).toEqual([]);
  expect(verified.code).toBe(0);
});

test('the last coin, spent concurrently through two processes, is spent once', async () => {
  const spender = await signUp(serverFor(0), 'spender');
  const friend = await signUp(serverFor(1), 'friend');
  const source = await fundedWallet(spender, LAST_COIN_MINOR, 0);
  const targets = [await openWallet(serverFor(1), friend), await openWallet(serverFor(0), spender)];

  // A reply that breaks the contract (a 500) is kept as its error, not thrown, so that the
  // count of successes below is still reported.
  const outcomes = await inParallel(
    Array.from({ length: LAST_COIN_ATTEMPTS }, (_, index) => () =>
      transfer(serverFor(index), spender, {
        sourceWalletId: source,
        targetWalletId: targets[Math.floor(index / 2) % targets.length]!,
        amount: LAST_COIN_MINOR.toString(),
      }).catch((error: unknown) => String(error)),
    ),
    LAST_COIN_ATTEMPTS,
  );

  const replies = outcomes.filter((outcome): outcome is Reply => typeof outcome !== 'string');
  const accepted = replies.filter((reply) => reply.status === 201);
  const refused = replies.filter((reply) => reply.status !== 201);
  expect(accepted).toHaveLength(1);
  expect(outcomes.filter((outcome) => typeof outcome === 'string')).toEqual([]);
  expect(refused.map(problemOf)).toEqual(refused.map(() => aProblem(422, 'insufficient_funds')));

  // The ledger: one debit of the whole balance, one credit of it, and every refusal logged.
  const events = await auditStream(serverFor(1), auditor, `wallet-${source}`);
  expect(balanceFromEvents(events)).toBe(0n);
  const debits = events.filter((event) => event.type === 'WalletDebited');
  expect(debits.map((event) => event.data.movementId)).toEqual([accepted[0]!.body.transferId]);
  expect(events.filter((event) => event.type === 'TransferRejected')).toHaveLength(
    LAST_COIN_ATTEMPTS - 1,
  );
  const credited = await Promise.all(targets.map(async (target) =>
    balanceFromEvents(await auditStream(serverFor(0), auditor, `wallet-${target}`))));
  expect(sumMinor(credited)).toBe(LAST_COIN_MINOR);

  // The read model, as each process serves it, agrees.
  const position = maxPositionToken(replies.map((reply) => reply.headers.get('x-ledger-position')));
  const views = await readModelBalances(source, spender, position);
  expect(views.map((view) => [view.balance, view.available, view.held]))
    .toEqual(views.map(() => ['0', '0', '0']));
});

const MIXED_ROUNDS = 6;
const MIXED_PER_ROUND = 40;
const ADJUSTMENT_MINOR_MAX = 400;
const MIXED_REFUSALS = [
  'insufficient_funds', 'hold_not_active', 'amount_exceeds_hold', 'limit_exceeded',
];

type Hold = Readonly<{ holdId: string; wallet: BankWallet; amount: bigint }>;
type Mixed = Readonly<{
  kind: string;
  reply: Reply | string;
  /** An adjustment's signed amount. */
  adjustment?: bigint;
  /** A hold's wallet and amount. */
  placed?: Readonly<{ wallet: BankWallet; amount: bigint }>;
}>;

/**
 * One random command of the mix, through process `index`: a transfer, a hold, a capture or a
 * release of a hold placed in an earlier round (the same hold may be settled twice at once),
 * or an admin adjustment either way.
 */
function mixedCommand(
  wallets: readonly BankWallet[],
  holds: readonly Hold[],
  random: (bound: number) => number,
  index: number,
): () => Promise<Mixed> {
  const server = serverFor(index);
  const wallet = wallets[random(wallets.length)]!;
  const other = wallets.filter((one) => one !== wallet)[random(wallets.length - 1)]!;
  const amount = 1n + BigInt(random(Number(FUNDING_MINOR) / 2));
  const key = { 'idempotency-key': randomUUID() };
  const kept = async (kind: string, reply: Promise<Reply>, more: Partial<Mixed> = {}) => {
    // A reply that breaks the contract (a 500) is kept as its error, to be reported.
    const settled = await reply.catch((error: unknown) => String(error));
    return { ...more, kind, reply: settled };
  };
  const roll = random(100);
  const hold = holds.length > 0 ? holds[random(holds.length)]! : null;
  if (roll < 30 || (roll >= 55 && roll < 90 && !hold)) {
    return () => kept('transfer', transfer(server, wallet.owner, {
      sourceWalletId: wallet.walletId, targetWalletId: other.walletId, amount: amount.toString(),
    }));
  }
  if (roll < 55) {
    return () => kept('hold', call(server, 'POST', `/v1/wallets/${wallet.walletId}/holds`, {
      token: wallet.owner.token, headers: key,
      body: { amount: amount.toString(), currency: 'MYR', reason: 'mixed' },
    }), { placed: { wallet, amount } });
  }
  if (roll < 85 && hold) {
    const target = wallets.find((one) => one !== hold.wallet)!;
    const partial = (1n + BigInt(random(Number(hold.amount)))).toString();
    const part = random(2) === 0 ? {} : { amount: partial };
    return () => kept('capture', call(server, 'POST', `/v1/holds/${hold.holdId}/capture`, {
      token: hold.wallet.owner.token, headers: key,
      body: { targetWalletId: target.walletId, ...part },
    }));
  }
  if (hold && roll < 90) {
    return () => kept('release', call(server, 'POST', `/v1/holds/${hold.holdId}/release`, {
      token: hold.wallet.owner.token, headers: key,
    }));
  }
  const direction = random(2) === 0 ? 'credit' : 'debit';
  const adjusted = 1n + BigInt(random(ADJUSTMENT_MINOR_MAX));
  return () => kept('adjustment', call(server, 'POST', `/v1/admin/wallets/${wallet.walletId}/adjustments`, {
    token: admin.token, headers: key,
    body: { amount: adjusted.toString(), currency: 'MYR', direction, reason: 'mixed' },
  }), { adjustment: direction === 'credit' ? adjusted : -adjusted });
}

test('mixed commands (transfers, holds, captures, releases, adjustments) through two processes keep every rule', async () => {
  const wallets = await fundedWallets();
  const random = seededRandom(SEED + 1);
  const holds: Hold[] = [];
  const done: Mixed[] = [];
  for (let round = 0; round < MIXED_ROUNDS; round += 1) {
    const commands = Array.from({ length: MIXED_PER_ROUND }, (_, index) =>
      mixedCommand(wallets, holds, random, round * MIXED_PER_ROUND + index));
    const outcomes = await inParallel(commands, CONCURRENCY);
    done.push(...outcomes);
    for (const { placed, reply } of outcomes) {
      if (placed && typeof reply !== 'string' && reply.status === 201) {
        holds.push({ holdId: reply.body.holdId, ...placed });
      }
    }
  }
  const replies = done.flatMap((one) => (typeof one.reply === 'string' ? [] : [one.reply]));
  const kinds = countBy(done.map((one) => `${one.kind} ${
    typeof one.reply === 'string' ? 'error' : one.reply.status}`));
  process.stdout.write(`[mixed, 2 processes] ${done.length} commands: ${JSON.stringify(kinds)}\n`);

  // Every answer is one the contract allows; contention alone never fails a request.
  expect(done.flatMap((one) => (typeof one.reply === 'string' ? [one.reply] : []))).toEqual([]);
  const unexpected = replies.filter((reply) => ![200, 201, 422].includes(reply.status));
  expect(unexpected.map((reply) => reply.text)).toEqual([]);
  const refusals = replies.filter((reply) => reply.status === 422);
  expect(refusals.filter((reply) => !MIXED_REFUSALS.includes(String(reply.body.code))))
    .toEqual([]);
  expect(holds.length).toBeGreaterThan(0);

  // The ledger, replayed by the audit route on either process: no wallet below zero, nothing
  // held beyond its balance, and money conserved (funding plus the accepted adjustments).
  const at = new Date().toISOString();
  const replayed = await Promise.all(wallets.map(async (wallet, index) => {
    const view = await call(serverFor(index), 'GET',
      `/v1/audit/wallets/${wallet.walletId}/balance-at?at=${encodeURIComponent(at)}`,
      { token: auditor.token });
    expect(view.status).toBe(200);
    return view.body as { balance: string; held: string; available: string };
  }));
  for (const figures of replayed) {
    expect(BigInt(figures.balance)).toBeGreaterThanOrEqual(0n);
    expect(BigInt(figures.held)).toBeGreaterThanOrEqual(0n);
    expect(BigInt(figures.available)).toBeGreaterThanOrEqual(0n);
  }
  const adjusted = done.reduce((sum, one) => (
    one.adjustment !== undefined && typeof one.reply !== 'string' && one.reply.status === 201
      ? sum + one.adjustment : sum), 0n);
  expect(sumMinor(replayed.map((figures) => figures.balance)))
    .toBe(FUNDING_MINOR * BigInt(wallets.length) + adjusted);

  // The read model, on both processes, equals the replay.
  const position = maxPositionToken(replies.map((reply) => reply.headers.get('x-ledger-position')));
  for (const [index, wallet] of wallets.entries()) {
    const views = await readModelBalances(wallet.walletId, wallet.owner, position);
    const { balance, held, available } = replayed[index]!;
    expect(views.map((view) => [view.balance, view.held, view.available]))
      .toEqual(views.map(() => [balance, held, available]));
  }

  const verified = await cluster.tng('audit', 'verify', '--json');
  expect(JSON.parse(verified.stdout).checks.filter((check: { ok: boolean }) => !check.ok))
    .toEqual([]);
  expect(verified.code).toBe(0);
});
