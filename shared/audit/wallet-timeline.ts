// One step of `tng audit replay`: what an event did to the wallet and the figures after it,
// as JSON-ready strings (amounts are digit strings, balances may be negative only for system
// accounts). Pure, so the mapping from each wallet event is tested without a database.
import { assertNever } from '../errors/assert';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import { encodePosition } from '../ports/event-store.port';
import type { ReplayStep } from './replay-wallet';

export type TimelineStep = Readonly<{
  version: string;
  position: string;
  recordedAt: string;
  type: WalletEvent['type'];
  movementId: string | null;
  holdId: string | null;
  /** Money in or out of the balance; null for events that move none (holds move `held`). */
  direction: 'debit' | 'credit' | null;
  amount: string | null;
  currency: string | null;
  counterpartyWalletId: string | null;
  /** Why: a rejection's code, a hold's or freeze's reason. */
  detail: string | null;
  balanceAfter: string;
  heldAfter: string;
  availableAfter: string;
}>;

type Effect = Pick<
  TimelineStep, 'movementId' | 'holdId' | 'direction' | 'amount' | 'counterpartyWalletId' | 'detail'
>;

const NO_EFFECT: Effect = {
  movementId: null, holdId: null, direction: null, amount: null,
  counterpartyWalletId: null, detail: null,
};

export function timelineStep(step: ReplayStep): TimelineStep {
  const { recorded, event, state } = step;
  const balance = state.status === 'absent' ? 0n : state.balanceMinor;
  const held = state.status === 'absent' ? 0n : state.heldMinor;
  return {
    version: recorded.streamVersion.toString(),
    position: encodePosition(recorded.position),
    recordedAt: recorded.recordedAt.toISOString(),
    type: event.type,
    ...effectOf(event),
    currency: state.status === 'absent' ? null : state.currency,
    balanceAfter: balance.toString(),
    heldAfter: held.toString(),
    availableAfter: (balance - held).toString(),
  };
}

function effectOf(event: WalletEvent): Effect {
  switch (event.type) {
    case 'WalletDebited':
    case 'WalletCredited': {
      const { movementId, amountMinor, counterpartyWalletId, holdId, note } = event.data;
      return {
        movementId, holdId: holdId ?? null, amount: amountMinor.toString(), counterpartyWalletId,
        direction: event.type === 'WalletDebited' ? 'debit' : 'credit', detail: note ?? null,
      };
    }
    case 'TransferRejected': {
      const { movementId, amountMinor, counterpartyWalletId, code } = event.data;
      const amount = amountMinor.toString();
      return { ...NO_EFFECT, movementId, amount, counterpartyWalletId, detail: code };
    }
    case 'HoldPlaced': {
      const { holdId, amountMinor, reason } = event.data;
      return { ...NO_EFFECT, holdId, amount: amountMinor.toString(), detail: reason };
    }
    case 'HoldCaptured': {
      const { holdId, movementId, capturedAmountMinor, targetWalletId } = event.data;
      const amount = capturedAmountMinor.toString();
      return { ...NO_EFFECT, holdId, movementId, amount, counterpartyWalletId: targetWalletId };
    }
    case 'HoldReleased':
    case 'HoldExpired':
      return { ...NO_EFFECT, holdId: event.data.holdId };
    case 'WalletFrozen':
    case 'WalletClosed':
      return { ...NO_EFFECT, detail: event.data.reason };
    case 'WalletOpened':
      return { ...NO_EFFECT, detail: event.data.kind };
    case 'WalletUnfrozen':
      return NO_EFFECT;
    default:
      return assertNever(event);
  }
}
