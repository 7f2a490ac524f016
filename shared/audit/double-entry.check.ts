// Double entry: every WalletDebited has exactly one WalletCredited with the same movementId,
// amount and currency on its counterparty, whose counterparty is the debited wallet, and the
// other way round. Halves are matched as they arrive; both are appended in one transaction,
// so the set of halves waiting for their partner stays small on a healthy ledger. It is
// capped at PENDING_HALVES_MAX so a badly broken one cannot exhaust memory.
import { counted, Findings, type CheckResult } from './audit-check';

export const PENDING_HALVES_MAX = 100_000;

export type MovementHalf = Readonly<{
  side: 'debit' | 'credit';
  walletId: string;
  counterpartyWalletId: string;
  movementId: string;
  currency: string;
  amountMinor: bigint;
  /** Where the event is, for findings (stream, version, position). */
  place: string;
}>;

export class DoubleEntryCheck {
  private readonly pending = new Map<string, MovementHalf[]>();
  private readonly findings = new Findings();
  private pendingCount = 0;
  private matched = 0;
  private disagreeing = 0;
  private untracked = 0;

  accept(half: MovementHalf): void {
    const key = movementKey(half);
    const waiting = this.pending.get(key);
    const index = waiting ? waiting.findIndex((other) => other.side !== half.side) : -1;
    if (waiting && index >= 0) {
      const [partner] = waiting.splice(index, 1);
      if (waiting.length === 0) this.pending.delete(key);
      this.pendingCount -= 1;
      this.matched += 1;
      if (partner) this.compare(half, partner);
      return;
    }
    if (this.pendingCount >= PENDING_HALVES_MAX) {
      this.untracked += 1;
      return;
    }
    if (waiting) waiting.push(half);
    else this.pending.set(key, [half]);
    this.pendingCount += 1;
  }

  finish(): CheckResult {
    for (const halves of this.pending.values()) {
      for (const half of halves) this.findings.add(unmatched(half));
    }
    if (this.untracked > 0) {
      this.findings.add(`${this.untracked} further halves were not tracked: more than `
        + `${PENDING_HALVES_MAX} were waiting for a partner`);
    }
    const unpaired = this.pendingCount + this.untracked;
    return this.findings.result('double-entry', {
      ok: `${counted(this.matched, 'movement')}: every debit has its credit on the counterparty`,
      failed: `${counted(unpaired, 'debit or credit', 'debits or credits')} without a partner, `
        + `${counted(this.disagreeing, 'pair')} whose halves disagree`,
    }, { matched: String(this.matched), unmatched: String(unpaired) });
  }

  private compare(half: MovementHalf, partner: MovementHalf): void {
    if (half.amountMinor === partner.amountMinor && half.currency === partner.currency) return;
    this.disagreeing += 1;
    const [debit, credit] = half.side === 'debit' ? [half, partner] : [partner, half];
    this.findings.add(`movement ${half.movementId}: debit at ${debit.place} is `
      + `${debit.amountMinor} ${debit.currency} but credit at ${credit.place} is `
      + `${credit.amountMinor} ${credit.currency}`);
  }
}

/** Both halves of a movement share this key: the movement, the debited and credited wallets. */
function movementKey(half: MovementHalf): string {
  const [debited, credited] = half.side === 'debit'
    ? [half.walletId, half.counterpartyWalletId]
    : [half.counterpartyWalletId, half.walletId];
  return `${half.movementId}\u0000${debited}\u0000${credited}`;
}

function unmatched(half: MovementHalf): string {
  const missing = half.side === 'debit' ? 'credit' : 'debit';
  return `${half.side} at ${half.place} (movement ${half.movementId}, ${half.amountMinor} `
    + `${half.currency}) has no matching ${missing} on ${half.counterpartyWalletId}`;
}
