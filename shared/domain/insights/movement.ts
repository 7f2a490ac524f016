// One side of a money movement as statements, insights and fraud rules see it: the same facts
// as a wallet history row (shared/read-models/wallet-transactions.rows.ts), with the payment
// reference, and the amount as bigint minor units. Failed attempts are kept (a statement
// lists them) but never counted in a total.
import type { MovementKind as EventMovementKind } from '../wallet/wallet.events';

export const MOVEMENT_KINDS = ['transfer', 'payment', 'top_up', 'hold', 'adjustment'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** The history's name for an event's movement kind (a hold capture is a `hold`). */
export const HISTORY_KIND: Readonly<Record<EventMovementKind, MovementKind>> = Object.freeze({
  transfer: 'transfer',
  payment: 'payment',
  adjustment: 'adjustment',
  hold_capture: 'hold',
  top_up: 'top_up',
});

export type Movement = Readonly<{
  movementId: string;
  kind: MovementKind;
  direction: 'debit' | 'credit';
  amountMinor: bigint;
  counterpartyWalletId: string | null;
  status: 'completed' | 'failed';
  note: string | null;
  reference: string | null;
  at: Date;
}>;

export const isCompleted = (movement: Movement) => movement.status === 'completed';
/** Money that left the wallet: a completed debit of any kind. */
export const isSpending = (movement: Movement) =>
  movement.status === 'completed' && movement.direction === 'debit';

export const sumMinor = (movements: readonly Movement[]): bigint =>
  movements.reduce((total, movement) => total + movement.amountMinor, 0n);

/** The lower median of a list of amounts (0n for none); bigint only, no division. */
export function medianMinor(amounts: readonly bigint[]): bigint {
  if (amounts.length === 0) return 0n;
  const sorted = [...amounts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * `part / whole` in basis points (1/100 of a percent), truncated toward zero, as digits with
 * an optional minus; null when `whole` is 0 (no ratio exists).
 */
export const basisPoints = (part: bigint, whole: bigint): string | null =>
  whole === 0n ? null : ((part * 10_000n) / whole).toString();
