// The rows of the wallets projection as it folds them in memory (camelCase, amounts as bigint)
// and writes them to rm_wallets, rm_holds and rm_wallet_transactions. The rows as read back
// from those tables are shared/read-models/*.rows.ts; these are the projector's own.
export type ProjectedWallet = {
  walletId: string;
  ownerId: string | null;
  kind: string;
  systemAccount: string | null;
  currency: string;
  balance: bigint;
  held: bigint;
  status: string;
  version: bigint;
  openedAt: Date;
  updatedAt: Date;
};

export type ProjectedHold = {
  holdId: string;
  walletId: string;
  amount: bigint;
  currency: string;
  reason: string;
  status: string;
  expiresAt: Date;
  capturedAmount: bigint | null;
  updatedAt: Date;
};

export type ProjectedTransaction = {
  walletId: string;
  streamVersion: bigint;
  transactionId: string;
  kind: string;
  direction: 'debit' | 'credit';
  amount: bigint;
  currency: string;
  balanceAfter: bigint;
  counterpartyWalletId: string | null;
  status: 'completed' | 'failed';
  note: string | null;
  /** A payment's merchant reference (migrations/0013_transaction_references.sql). */
  reference: string | null;
  createdAt: Date;
};
