// Commands of the wallet aggregate, imperative. Time (`now`) and every id come in the
// command, made by the handler, so a decision re-run after a version conflict is identical.
// Plans come in the command too: the handler reads the owners' plans from their user streams.
// Amounts are positive Money; the HTTP layer refuses zero and malformed amounts before this.
import type { Money, CurrencyCode } from '../money/money';
import type { HoldId, MovementId, UserId, WalletId } from '../ids';
import type { Plan } from '../plans/plan-limits';
import type { SystemAccount, WalletEvent, WalletKind } from './wallet.events';

export type OpenWallet = Readonly<{
  type: 'OpenWallet';
  walletId: WalletId;
  ownerId: UserId | null; // null for system accounts only
  kind: WalletKind;
  currency: CurrencyCode;
  systemAccount?: SystemAccount; // system accounts only
}>;
export type CloseWallet = Readonly<{ type: 'CloseWallet'; walletId: WalletId; reason: string }>;
export type FreezeWallet = Readonly<{ type: 'FreezeWallet'; walletId: WalletId; reason: string }>;
export type UnfreezeWallet = Readonly<{ type: 'UnfreezeWallet'; walletId: WalletId }>;

export type PlaceHold = Readonly<{
  type: 'PlaceHold';
  walletId: WalletId;
  holdId: HoldId;
  amount: Money;
  reason: string;
  expiresInSeconds?: number; // HOLD_EXPIRES_IN_SECONDS_DEFAULT when absent
  actorPlan: Plan; // plan of the wallet's owner
  now: Date;
}>;
export type ReleaseHold = Readonly<{ type: 'ReleaseHold'; walletId: WalletId; holdId: HoldId }>;
export type ExpireHolds = Readonly<{ type: 'ExpireHolds'; walletId: WalletId; now: Date }>;
export type CaptureHold = Readonly<{
  type: 'CaptureHold';
  walletId: WalletId; // the wallet holding the funds, which is debited
  holdId: HoldId;
  movementId: MovementId;
  targetWalletId: WalletId;
  amount?: Money; // the whole hold when absent; the rest is released
  targetPlan: Plan; // plan of the target's owner (ignored for merchant targets)
  now: Date;
}>;

export type TransferMoney = Readonly<{
  type: 'TransferMoney';
  movementId: MovementId;
  sourceWalletId: WalletId;
  targetWalletId: WalletId;
  amount: Money;
  note?: string;
  actorPlan: Plan; // plan of the source's owner: per-transfer and daily limits
  targetPlan: Plan; // plan of the target's owner: maximum balance
  now: Date;
}>;
export type PayMerchant = Readonly<{
  type: 'PayMerchant';
  movementId: MovementId;
  sourceWalletId: WalletId;
  targetWalletId: WalletId; // the merchant's wallet in the payment's currency
  amount: Money;
  reference: string;
  note?: string;
  actorPlan: Plan;
  now: Date;
}>;

export type AdjustBalance = Readonly<{
  type: 'AdjustBalance';
  movementId: MovementId;
  walletId: WalletId;
  direction: 'credit' | 'debit';
  amount: Money;
  reason: string;
  now: Date;
}>;
export type CreditTopUp = Readonly<{
  type: 'CreditTopUp';
  movementId: MovementId; // the top-up id, so a replayed webhook credits once
  walletId: WalletId;
  amount: Money;
  now: Date;
}>;

/** Commands that touch one wallet stream only (see wallet.decider.ts). */
export type WalletCommand =
  OpenWallet | CloseWallet | FreezeWallet | UnfreezeWallet | PlaceHold | ReleaseHold | ExpireHolds;

/** Events for both sides of a movement: `source` is debited, `target` credited. */
export type MovementEvents = Readonly<{ source: WalletEvent[]; target: WalletEvent[] }>;
/** Events for a customer wallet and the system account on the other side. */
export type SystemMovementEvents = Readonly<{ wallet: WalletEvent[]; system: WalletEvent[] }>;
