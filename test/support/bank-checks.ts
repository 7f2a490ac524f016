// What the bank scenarios (one process or several) check after many concurrent transfers:
// each acknowledged transfer is one debit and one credit in the event log, each refusal one
// TransferRejected, and nothing else moved. Also their seeded generator, so a failing run can
// be replayed.
import { inParallel, transfer, type HttpTarget, type Reply, type User } from './api';
import type { AuditedEvent } from './ledger-checks';

export type BankWallet = { walletId: string; owner: User };
export type BankAttempt = {
  source: BankWallet;
  target: BankWallet;
  amount: bigint;
  key: string;
  reply?: Reply;
  /** Why no reply counts: the request failed, or its answer broke the contract (a 500). */
  failure?: string;
};

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * bound);
  };
}

export function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** The attempts grouped by the status of their reply; 0 for those without one. */
export function groupByStatus(attempts: readonly BankAttempt[]): Map<number, BankAttempt[]> {
  const groups = new Map<number, BankAttempt[]>();
  for (const attempt of attempts) {
    const status = attempt.reply?.status ?? 0;
    groups.set(status, [...(groups.get(status) ?? []), attempt]);
  }
  return groups;
}

/** Each accepted transfer is one debit and one credit; each refusal one TransferRejected. */
export function checkEventLog(
  accepted: readonly BankAttempt[],
  refused: readonly BankAttempt[],
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

/**
 * Sends every attempt as a transfer, at most `concurrency` at once, the `index`-th to
 * `targetOf(index)`; each keeps its reply, or its failure (counted, not thrown: the ledger
 * checks say what such an answer hid). Returns the milliseconds it took.
 */
export async function sendTransfers(
  attempts: readonly BankAttempt[],
  targetOf: (index: number) => HttpTarget,
  concurrency: number,
): Promise<number> {
  const startedMs = Date.now();
  await inParallel(attempts.map((attempt, index) => async () => {
    try {
      attempt.reply = await transfer(targetOf(index), attempt.source.owner, {
        sourceWalletId: attempt.source.walletId,
        targetWalletId: attempt.target.walletId,
        amount: attempt.amount.toString(),
      }, attempt.key);
    } catch (error) {
      attempt.failure = String(error);
    }
  }), concurrency);
  return Date.now() - startedMs;
}
