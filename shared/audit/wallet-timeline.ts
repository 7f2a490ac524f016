// One step of `tng audit replay`: what an event did to the wallet and the figures after it,
// as JSON-ready strings (amounts are digit strings, balances may be negative only for system
// accounts). Pure, so the mapping from each wallet event is tested without a database.
import { assertNever } from '../errors/assert';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import type { WalletState } from '../domain/wallet/wallet.state';
import { encodePosition } from '../ports/event-store.port';
import type { ReplayStep } from './replay-wallet';

export type TimelineStep = Readonly<{
  version: string;
  position: string;
  recordedAt: string;
  type: WalletEvent['type'];
  /** The movement's kind (transfer, payment, adjustment, hold_capture, top_up), if any. */
  kind: string | null;
  movementId: string | null;
  holdId: string | null;
  /** Money in or out of the balance; null for events that move none (holds move `held`). */
  direction: 'debit' | 'credit' | null;
  amount: string | null;
  /** What a hold's end gave back to the available amount (captures release the rest). */
  releasedAmount: string | null;
  currency: string | null;
  counterpartyWalletId: string | null;
  /** Why: a rejection's code, a hold's, freeze's or adjustment's reason, a transfer's note. */
  detail: string | null;
  /** Who asked for it (the user id in the event's metadata), when recorded. */
  actorId: string | null;
  balanceAfter: string;
  heldAfter: string;
  availableAfter: string;
}>;

type Effect = Pick<
  TimelineStep,
  'kind' | 'movementId' | 'holdId' | 'direction' | 'amount' | 'releasedAmount'
  | 'counterpartyWalletId' | 'detail'
>;

const NO_EFFECT: Effect = {
  kind: null, movementId: null, holdId: null, direction: null, amount: null,
  releasedAmount: null, counterpartyWalletId: null, detail: null,
};

/**
 * `holdReasons` remembers each hold's reason across steps (a replay passes the same map to
 * every step), so the end of a hold shows why it was placed.
 */
export function timelineStep(
  step: ReplayStep,
  holdReasons: Map<string, string> = new Map(),
): TimelineStep {
  const { recorded, event, state } = step;
  const balance = state.status === 'absent' ? 0n : state.balanceMinor;
  const held = state.status === 'absent' ? 0n : state.heldMinor;
  const actorId = recorded.metadata?.actorId;
  return {
    version: recorded.streamVersion.toString(),
    position: encodePosition(recorded.position),
    recordedAt: recorded.recordedAt.toISOString(),
    type: event.type,
    ...effectOf(event, step.before, holdReasons),
    currency: state.status === 'absent' ? null : state.currency,
    actorId: typeof actorId === 'string' ? actorId : null,
    balanceAfter: balance.toString(),
    heldAfter: held.toString(),
    availableAfter: (balance - held).toString(),
  };
}

function effectOf(event: WalletEvent, before: WalletState, reasons: Map<string, string>): Effect {
  switch (event.type) {
    case 'WalletDebited':
    case 'WalletCredited': {
      const { movementId, movementKind, amountMinor, counterpartyWalletId, holdId } = event.data;
      return {
        ...NO_EFFECT, kind: movementKind, movementId, holdId: holdId ?? null,
        amount: amountMinor.toString(), counterpartyWalletId,
        direction: event.type === 'WalletDebited' ? 'debit' : 'credit',
        detail: event.data.note ?? event.data.reference ?? null,
      };
    }
    case 'TransferRejected': {
      const { movementId, movementKind, amountMinor, counterpartyWalletId, code } = event.data;
      const amount = amountMinor.toString();
      return {
        ...NO_EFFECT, kind: movementKind, movementId, amount, counterpartyWalletId, detail: code,
      };
    }
    case 'HoldPlaced': {
      const { holdId, amountMinor, reason } = event.data;
      reasons.set(holdId, reason);
      return { ...NO_EFFECT, holdId, amount: amountMinor.toString(), detail: reason };
    }
    case 'HoldCaptured': {
      const { holdId, movementId, capturedAmountMinor, releasedAmountMinor } = event.data;
      return {
        ...NO_EFFECT, kind: 'hold_capture', holdId, movementId,
        amount: capturedAmountMinor.toString(), releasedAmount: releasedAmountMinor.toString(),
        counterpartyWalletId: event.data.targetWalletId, detail: reasons.get(holdId) ?? null,
      };
    }
    case 'HoldReleased':
    case 'HoldExpired': {
      const { holdId } = event.data;
      const hold = before.status === 'absent' ? undefined : before.activeHolds.get(holdId);
      const releasedAmount = hold ? hold.amountMinor.toString() : null;
      return { ...NO_EFFECT, holdId, releasedAmount, detail: reasons.get(holdId) ?? null };
    }
    case 'WalletFrozen':
    case 'WalletClosed':
      return { ...NO_EFFECT, detail: event.data.reason };
    case 'WalletOpened':
      return { ...NO_EFFECT, detail: event.data.kind };
    case 'WalletUnfrozen':
      return NO_EFFECT;
    case 'FraudSuspected':
      return { ...NO_EFFECT, detail: event.data.rules.join(',') };
    default:
      return assertNever(event);
  }
}
