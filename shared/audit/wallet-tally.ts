// The auditor's own fold of one wallet: balance, held amount, active holds and version, and
// nothing else. It is deliberately independent of evolveWallet: an audit must not reuse the
// code it audits, and it must report a broken invariant rather than throw on it (evolve
// asserts, and a failed assertion would stop the audit at the first problem). It mutates the
// tally in place, because a full audit folds about a million events.
import type { WalletEvent } from '../domain/wallet/wallet.events';

export type WalletFigures = Readonly<{ balanceMinor: bigint; heldMinor: bigint; version: bigint }>;

export type WalletTally = {
  walletId: string;
  /** null until WalletOpened is seen; such a wallet is held to the user rules. */
  kind: string | null;
  currency: string | null;
  balanceMinor: bigint;
  heldMinor: bigint;
  version: bigint;
  activeHolds: Map<string, bigint>;
  /** Reported once per wallet, at its first negative step. */
  negativeReported: boolean;
  /** The figures as of the read model's checkpoint (null: no event at or before it). */
  atCheckpoint: WalletFigures | null;
};

export const emptyTally = (walletId: string): WalletTally => ({
  walletId, kind: null, currency: null, balanceMinor: 0n, heldMinor: 0n, version: 0n,
  activeHolds: new Map(), negativeReported: false, atCheckpoint: null,
});

/** Folds one event in; returns a problem the event revealed (a hold ended twice), or null. */
export function tallyEvent(tally: WalletTally, event: WalletEvent, version: bigint): string | null {
  tally.version = version;
  switch (event.type) {
    case 'WalletOpened':
      tally.kind = event.data.kind;
      tally.currency = event.data.currency;
      return null;
    case 'WalletDebited':
      tally.balanceMinor -= event.data.amountMinor;
      return null;
    case 'WalletCredited':
      tally.balanceMinor += event.data.amountMinor;
      return null;
    case 'HoldPlaced':
      if (tally.activeHolds.has(event.data.holdId)) return `hold ${event.data.holdId} placed twice`;
      tally.activeHolds.set(event.data.holdId, event.data.amountMinor);
      tally.heldMinor += event.data.amountMinor;
      return null;
    case 'HoldCaptured':
    case 'HoldReleased':
    case 'HoldExpired':
      return endHold(tally, event.data.holdId, event.type);
    default:
      // Freezes, closes and rejections move no money.
      return null;
  }
}

function endHold(tally: WalletTally, holdId: string, type: string): string | null {
  const amountMinor = tally.activeHolds.get(holdId);
  if (amountMinor === undefined) return `${type} for hold ${holdId}, which is not active`;
  tally.activeHolds.delete(holdId);
  tally.heldMinor -= amountMinor;
  return null;
}

/** System accounts are the other side of top-ups and adjustments: they may go negative. */
export const mayGoNegative = (tally: WalletTally): boolean => tally.kind === 'system';

export const figuresOf = (tally: WalletTally): WalletFigures => ({
  balanceMinor: tally.balanceMinor, heldMinor: tally.heldMinor, version: tally.version,
});
