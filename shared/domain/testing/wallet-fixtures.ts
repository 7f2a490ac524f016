// Test support: named wallets, amounts and event builders, so each test reads as a sentence.
// Money is bigint minor units here too.
import { money, type CurrencyCode, type Money } from '../money/money';
import { holdId, movementId, userId, walletId, type HoldId, type WalletId } from '../ids';
import type {
  HoldPlaced,
  MovementKind,
  SystemAccount,
  WalletClosed,
  WalletCredited,
  WalletDebited,
  WalletFrozen,
  WalletKind,
  WalletOpened,
} from '../wallet/wallet.events';
import { systemWalletId } from '../wallet/wallet.streams';

/** A Monday morning in Kuala Lumpur (UTC+8), still 2025-03-10 in UTC. */
export const NOW = new Date('2025-03-10T08:00:00.000Z');
export const minutesLater = (minutes: number, from: Date = NOW): Date =>
  new Date(from.getTime() + minutes * 60_000);

export const myr = (amountMinor: bigint): Money => money('MYR', amountMinor);
export const jpy = (amountMinor: bigint): Money => money('JPY', amountMinor);

export const ALICE = walletId('w-alice');
export const BOB = walletId('w-bob');
export const SHOP = walletId('w-shop');
export const YEN = walletId('w-yen');
export const NOBODY = walletId('w-nobody');
export const ADJUSTMENTS_MYR = systemWalletId('adjustments', 'MYR');
export const ADJUSTMENTS_JPY = systemWalletId('adjustments', 'JPY');
export const CLEARING_MYR = systemWalletId('stripe_clearing', 'MYR');
export const CLEARING_JPY = systemWalletId('stripe_clearing', 'JPY');
export const HOLD = holdId('h-1');
export const MOVE = movementId('m-1');

export function opened(
  id: WalletId,
  options: { kind?: Exclude<WalletKind, 'system'>; currency?: CurrencyCode } = {},
): WalletOpened {
  const { kind = 'user', currency = 'MYR' } = options;
  const ownerId = userId(`u-${id}`);
  return { type: 'WalletOpened', data: { walletId: id, ownerId, kind, currency } };
}

export const systemOpened = (account: SystemAccount, currency: CurrencyCode): WalletOpened => ({
  type: 'WalletOpened',
  data: {
    walletId: systemWalletId(account, currency),
    ownerId: null,
    kind: 'system',
    currency,
    systemAccount: account,
  },
});

type MovementOptions = {
  movementId?: string;
  kind?: MovementKind;
  at?: Date;
  counterparty?: WalletId;
};

const movementData = (id: WalletId, amount: Money, options: MovementOptions) => ({
  walletId: id,
  movementId: movementId(options.movementId ?? `m-given-${id}-${amount.amountMinor}`),
  movementKind: options.kind ?? 'adjustment',
  currency: amount.currency,
  amountMinor: amount.amountMinor,
  counterpartyWalletId: options.counterparty ?? systemWalletId('adjustments', amount.currency),
  occurredAt: (options.at ?? NOW).toISOString(),
});

/** Money arriving in a wallet (by default an adjustment from the system account). */
export const credited = (
  id: WalletId,
  amount: Money,
  options: MovementOptions = {},
): WalletCredited => ({
  type: 'WalletCredited',
  data: movementData(id, amount, options),
});

/** Money leaving a wallet (by default a transfer, which counts towards the daily limit). */
export const debited = (
  id: WalletId,
  amount: Money,
  options: MovementOptions = {},
): WalletDebited => ({
  type: 'WalletDebited',
  data: movementData(id, amount, { kind: 'transfer', counterparty: BOB, ...options }),
});

export const holdPlacedOn = (
  id: WalletId,
  amount: Money,
  options: { holdId?: HoldId; expiresAt?: Date; placedAt?: Date | null } = {},
): HoldPlaced => ({
  type: 'HoldPlaced',
  data: {
    walletId: id,
    holdId: options.holdId ?? HOLD,
    currency: amount.currency,
    amountMinor: amount.amountMinor,
    reason: 'pending payment',
    expiresAt: (options.expiresAt ?? minutesLater(60)).toISOString(),
    // null: a hold placed before holds counted when placed (an upcast HoldPlaced v1).
    placedAt: options.placedAt === null ? null : (options.placedAt ?? NOW).toISOString(),
  },
});

export const frozen = (id: WalletId): WalletFrozen => ({
  type: 'WalletFrozen',
  data: { walletId: id, reason: 'fraud review' },
});
export const closed = (id: WalletId): WalletClosed => ({
  type: 'WalletClosed',
  data: { walletId: id, reason: 'customer request' },
});
