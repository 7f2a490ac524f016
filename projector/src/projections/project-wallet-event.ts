// The pure part of the wallets projection: how one wallet event changes a wallet row, its
// holds and its history. No I/O; the applier (wallets.projection.ts) loads and writes rows.
// Paired assertions: the read model must agree with the aggregate's own arithmetic.
import { assert, assertNever } from '../../../shared/errors/assert';
import { HISTORY_KIND } from '../../../shared/domain/insights/movement';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import type { ProjectedHold, ProjectedTransaction, ProjectedWallet } from './projected-wallet';

/** Where the event sits in its stream, and when it was recorded. */
export type EventContext = { streamVersion: bigint; recordedAt: Date };
/** The rows one event changes: the wallet always, a hold or a history row sometimes. */
export type WalletEventEffects = {
  wallet: ProjectedWallet | null;
  hold?: ProjectedHold;
  transaction?: ProjectedTransaction;
};

export function projectWalletEvent(
  wallet: ProjectedWallet | null,
  holdOf: (holdId: string) => ProjectedHold | undefined,
  event: WalletEvent,
  context: EventContext,
): WalletEventEffects {
  if (event.type === 'WalletOpened') {
    const { walletId, ownerId, kind, currency, systemAccount } = event.data;
    return {
      wallet: {
        walletId,
        ownerId,
        kind,
        systemAccount: systemAccount ?? null,
        currency,
        balance: 0n,
        held: 0n,
        status: 'active',
        version: context.streamVersion,
        openedAt: context.recordedAt,
        updatedAt: context.recordedAt,
      },
    };
  }
  assert(wallet !== null, `${event.type} follows an opening`);
  const next: ProjectedWallet = {
    ...wallet,
    version: context.streamVersion,
    updatedAt: context.recordedAt,
  };
  switch (event.type) {
    case 'WalletDebited':
    case 'WalletCredited':
    case 'TransferRejected':
      return movement(next, wallet, event, context);
    case 'HoldPlaced': {
      const { holdId, amountMinor, currency, reason, expiresAt } = event.data;
      next.held = wallet.held + amountMinor;
      return {
        wallet: next,
        hold: {
          holdId,
          walletId: wallet.walletId,
          amount: amountMinor,
          currency,
          reason,
          status: 'active',
          expiresAt: new Date(expiresAt),
          capturedAmount: null,
          updatedAt: context.recordedAt,
        },
      };
    }
    case 'HoldCaptured':
    case 'HoldReleased':
    case 'HoldExpired':
      return endHold(next, wallet, holdOf(event.data.holdId), event, context);
    case 'WalletFrozen':
      return { wallet: { ...next, status: 'frozen' } };
    case 'WalletUnfrozen':
      return { wallet: { ...next, status: 'active' } };
    case 'WalletClosed':
      return { wallet: { ...next, status: 'closed' } };
    case 'FraudSuspected':
      // No balance change and no history row (it is not a movement); only the version moves.
      return { wallet: next };
    default:
      return assertNever(event);
  }
}

function endHold(
  next: ProjectedWallet,
  wallet: ProjectedWallet,
  hold: ProjectedHold | undefined,
  event: Extract<WalletEvent, { type: 'HoldCaptured' | 'HoldReleased' | 'HoldExpired' }>,
  context: EventContext,
): WalletEventEffects {
  assert(hold !== undefined && hold.status === 'active', `${event.type} ends an active hold`);
  next.held = wallet.held - hold.amount;
  assert(next.held >= 0n, 'held never goes below zero');
  const status =
    event.type === 'HoldCaptured'
      ? 'captured'
      : event.type === 'HoldReleased'
        ? 'released'
        : 'expired';
  let capturedAmount: bigint | null = null;
  if (event.type === 'HoldCaptured') {
    const { capturedAmountMinor, releasedAmountMinor } = event.data;
    assert(capturedAmountMinor + releasedAmountMinor === hold.amount, 'a capture ends the hold');
    capturedAmount = capturedAmountMinor;
  }
  return { wallet: next, hold: { ...hold, status, capturedAmount, updatedAt: context.recordedAt } };
}

/** A posted debit or credit moves the balance; a rejection records a failed attempt only. */
function movement(
  next: ProjectedWallet,
  wallet: ProjectedWallet,
  event: Extract<WalletEvent, { type: 'WalletDebited' | 'WalletCredited' | 'TransferRejected' }>,
  context: EventContext,
): WalletEventEffects {
  const { amountMinor, movementKind, movementId, counterpartyWalletId, note } = event.data;
  const failed = event.type === 'TransferRejected';
  const credit = event.type === 'WalletCredited';
  if (!failed) next.balance = credit ? wallet.balance + amountMinor : wallet.balance - amountMinor;
  return {
    wallet: next,
    transaction: {
      walletId: wallet.walletId,
      streamVersion: context.streamVersion,
      transactionId: movementId,
      kind: HISTORY_KIND[movementKind],
      direction: credit ? 'credit' : 'debit',
      amount: amountMinor,
      currency: event.data.currency,
      balanceAfter: next.balance,
      counterpartyWalletId,
      status: failed ? 'failed' : 'completed',
      note: note ?? null,
      reference: event.data.reference ?? null,
      createdAt: context.recordedAt,
    },
  };
}
