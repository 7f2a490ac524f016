// Conservation per currency (docs/architecture.md, invariant 1): debits count negative, credits
// positive, and the sum over every wallet, system accounts included, is exactly zero. Both sides of
// a movement are appended in one transaction, so the sum must be zero at every transaction
// boundary, not only at the end: that is checked as events arrive in log order. One finding
// is raised each time a currency's imbalance changes to a new non-zero value, so a single
// tampered amount gives one finding at the transaction that introduced it.
import { encodePosition, type Position } from '../ports/event-store.port';
import { counted, Findings, signed, type CheckResult } from './audit-check';

export class ConservationCheck {
  private readonly totals = new Map<string, bigint>();
  private readonly lastSeen = new Map<string, bigint>();
  private readonly findings = new Findings();
  private current: Position | null = null;
  private transactions = 0;
  private movements = 0;

  /** Called for every event in log order; closes the previous transaction when it ends. */
  observe(position: Position): void {
    if (this.current && this.current.transactionId !== position.transactionId) {
      this.closeTransaction(this.current);
    }
    this.current = position;
  }

  /** A debit (negative) or credit (positive) of the event last observed. */
  add(currency: string, signedAmountMinor: bigint): void {
    this.totals.set(currency, (this.totals.get(currency) ?? 0n) + signedAmountMinor);
    this.movements += 1;
  }

  finish(): CheckResult {
    if (this.current) this.closeTransaction(this.current);
    this.current = null;
    const totals = Object.fromEntries(
      [...this.totals].map(([currency, total]) => [currency, total.toString()]));
    const unbalanced = [...this.totals].filter(([, total]) => total !== 0n);
    const ending = unbalanced.map(([currency, total]) => `${currency} ${signed(total)}`);
    const currencies = [...this.totals.keys()].join(', ') || 'none';
    return this.findings.result('conservation', {
      ok: `${counted(this.movements, 'ledger entry', 'ledger entries')} over `
        + `${counted(this.transactions, 'transaction')}: every `
        + `currency sums to 0 after each transaction (${currencies})`,
      failed: ending.length > 0
        ? `sums at the end: ${ending.join(', ')} (should be 0)`
        : 'unbalanced at some transaction boundaries, balanced at the end',
    }, totals);
  }

  private closeTransaction(position: Position): void {
    this.transactions += 1;
    for (const [currency, total] of this.totals) {
      if (total === (this.lastSeen.get(currency) ?? 0n)) continue;
      this.lastSeen.set(currency, total);
      // Back at zero: nothing new to report; the finding that it left zero stands.
      if (total === 0n) continue;
      this.findings.add(`after transaction ${position.transactionId} (up to position `
        + `${encodePosition(position)}): ${currency} sums to ${signed(total)}`);
    }
  }
}
