// Business rejections of transfers and payments are recorded on the source wallet as
// TransferRejected, so failed attempts appear in history and on the bus. Only the 422
// business codes are recorded; a missing source has no stream to record on, and a missing
// target or a malformed request is not an attempt worth a history line.
import type { ErrorCode } from '../../errors/codes';
import type { DomainError } from '../../errors/domain-error';
import type { PayMerchant, TransferMoney } from './wallet.commands';
import type { TransferRejected, WalletEvent } from './wallet.events';
import type { WalletState } from './wallet.state';

export const RECORDED_REJECTION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'insufficient_funds',
  'wallet_frozen',
  'wallet_closed',
  'currency_mismatch',
  'same_wallet',
  'limit_exceeded',
  'max_balance_exceeded',
]);

/** The TransferRejected event for a command the deciders refused with `error`. */
export function rejectionEvent(
  command: TransferMoney | PayMerchant,
  error: DomainError,
): TransferRejected {
  const isPayment = command.type === 'PayMerchant';
  return {
    type: 'TransferRejected',
    data: {
      walletId: command.sourceWalletId,
      movementId: command.movementId,
      movementKind: isPayment ? 'payment' : 'transfer',
      code: error.code,
      currency: command.amount.currency,
      amountMinor: command.amount.amountMinor,
      counterpartyWalletId: command.targetWalletId,
      note: command.note,
      reference: isPayment ? command.reference : undefined,
      occurredAt: command.now.toISOString(),
    },
  };
}

/**
 * What to append to the source stream after a rejection: the TransferRejected event when the
 * source exists and the code is a recorded business rejection, otherwise nothing.
 */
export function rejectionEvents(
  command: TransferMoney | PayMerchant,
  error: DomainError,
  sourceState: WalletState,
): WalletEvent[] {
  if (sourceState.status === 'absent' || sourceState.kind === 'system') return [];
  if (!RECORDED_REJECTION_CODES.has(error.code)) return [];
  return [rejectionEvent(command, error)];
}
