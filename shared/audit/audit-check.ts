// The shape every `tng audit verify` check reports, and a bounded list of findings: a ledger
// broken in a million places must still give a short report, so only the first
// FINDINGS_LISTED_MAX findings are kept, with the total beside them.
import { encodePosition, type RecordedEvent } from '../ports/event-store.port';

export const FINDINGS_LISTED_MAX = 20;

export type CheckName =
  | 'hash-chains'
  | 'decodable'
  | 'conservation'
  | 'non-negative-balances'
  | 'double-entry'
  | 'plan-limits'
  | 'stripe-clearing'
  | 'read-model-drift';

export type CheckResult = Readonly<{
  check: CheckName;
  ok: boolean;
  summary: string;
  /** Each names its place (stream and version, wallet, or transaction); the first ones only. */
  findings: readonly string[];
  findingsTotal: number;
  /** Extra figures for scripts, as strings (amounts are digit strings, as on every wire). */
  data?: Readonly<Record<string, string>>;
}>;

export class Findings {
  private readonly listed: string[] = [];
  private count = 0;

  add(finding: string): void {
    this.count += 1;
    if (this.listed.length < FINDINGS_LISTED_MAX) this.listed.push(finding);
  }

  get total(): number {
    return this.count;
  }

  result(
    check: CheckName,
    summaries: Readonly<{ ok: string; failed: string }>,
    data?: Readonly<Record<string, string>>,
  ): CheckResult {
    const ok = this.count === 0;
    return {
      check,
      ok,
      summary: ok ? summaries.ok : summaries.failed,
      findings: [...this.listed],
      findingsTotal: this.count,
      ...(data ? { data } : {}),
    };
  }
}

/** Where an event sits, as findings name it: `wallet-w-1 v3 (position 812.1034)`. */
export const placeOf = (recorded: RecordedEvent): string =>
  `${recorded.streamId} v${recorded.streamVersion} (position ${encodePosition(recorded.position)})`;

/** A signed amount for findings: `+500`, `-20`, `0`. */
export const signed = (amountMinor: bigint): string =>
  amountMinor > 0n ? `+${amountMinor}` : amountMinor.toString();

/** `1 wallet`, `2 wallets`: summaries read as sentences. */
export const counted = (count: number, noun: string, plural = `${noun}s`): string =>
  `${count} ${count === 1 ? noun : plural}`;
