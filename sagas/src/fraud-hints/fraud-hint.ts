// The pure part of the fraud-hints saga: from a wallet's recent stream, the FraudSuspected
// events its debits call for. The rules are shared/domain/insights/fraud-rules.ts (the same
// the insights route shows). Each debit is judged against the movements at or before it;
// a rule already raised in its window (by an earlier FraudSuspected in the stream, or by an
// earlier debit of this pass) is not raised again. Ids derive from the wallet, the rules and
// their windows, so judging the same debits again yields the same event ids, which the
// event store keeps once. No I/O, no clock: instants are the events' own.
import { deterministicUuid } from '../../../shared/domain/deterministic-uuid';
import {
  FRAUD_RULES, fraudRulesFor, fraudWindowStart, type FraudRule,
} from '../../../shared/domain/insights/fraud-rules';
import type { WalletId } from '../../../shared/domain/ids';
import { HISTORY_KIND, type Movement } from '../../../shared/domain/insights/movement';
import type { FraudSuspected, WalletEvent } from '../../../shared/domain/wallet/wallet.events';

export type StreamEntry = Readonly<{
  eventId: string; streamVersion: bigint; recordedAt: Date; event: WalletEvent;
}>;

/** A movement as the rules see it (the same facts as the history read model), or null. */
export function movementOf(entry: StreamEntry): Movement | null {
  const { event } = entry;
  if (event.type !== 'WalletDebited' && event.type !== 'WalletCredited'
    && event.type !== 'TransferRejected') return null;
  return {
    movementId: event.data.movementId,
    kind: HISTORY_KIND[event.data.movementKind],
    direction: event.type === 'WalletCredited' ? 'credit' : 'debit',
    amountMinor: event.data.amountMinor,
    counterpartyWalletId: event.data.counterpartyWalletId,
    status: event.type === 'TransferRejected' ? 'failed' : 'completed',
    note: event.data.note ?? null,
    reference: event.data.reference ?? null,
    at: entry.recordedAt,
  };
}

const windowKey = (rule: FraudRule, instant: Date) =>
  `${rule}@${fraudWindowStart(rule, instant).toISOString()}`;
const isRule = (name: string): name is FraudRule =>
  (FRAUD_RULES as readonly string[]).includes(name);

export type FraudHintToRaise = Readonly<{ event: FraudSuspected; causationId: string }>;

export const RULE_DESCRIPTIONS: Readonly<Record<FraudRule, string>> = Object.freeze({
  velocity: 'many outgoing payments within minutes',
  new_payees: 'several new payees within a day',
  large_amount: 'an amount far above the usual',
  late_night: 'a burst of late-night payments',
});

/**
 * The hints to raise for the debits at `judgedVersions` of one wallet, oldest first.
 * `stream` is the wallet's recent stream in version order, covering those debits, the
 * history before them and any hints raised after them.
 */
export function fraudHintsToRaise(
  walletId: WalletId,
  stream: readonly StreamEntry[],
  judgedVersions: ReadonlySet<bigint>,
): FraudHintToRaise[] {
  const raised = new Set<string>();
  for (const { event } of stream) {
    if (event.type !== 'FraudSuspected') continue;
    const at = new Date(event.data.detectedAt);
    for (const rule of event.data.rules.filter(isRule)) raised.add(windowKey(rule, at));
  }
  const hints: FraudHintToRaise[] = [];
  const history: Movement[] = [];
  for (const entry of stream) {
    const movement = movementOf(entry);
    if (movement === null) continue;
    history.push(movement);
    if (entry.event.type !== 'WalletDebited' || !judgedVersions.has(entry.streamVersion)) continue;
    const fresh = fraudRulesFor(history)
      .filter((rule) => !raised.has(windowKey(rule, movement.at)));
    if (fresh.length === 0) continue;
    const keys = fresh.map((rule) => windowKey(rule, movement.at));
    keys.forEach((key) => raised.add(key));
    const hintId = deterministicUuid(`fraud-hint:${walletId}:${keys.join('|')}`);
    hints.push({
      causationId: entry.eventId,
      event: {
        type: 'FraudSuspected',
        data: {
          walletId,
          hintId,
          rules: fresh,
          summary: `Suspicious activity: ${fresh.map((rule) => RULE_DESCRIPTIONS[rule]).join('; ')}.`,
          detectedAt: movement.at.toISOString(),
        },
      },
    });
  }
  return hints;
}
