// The wallet as the query API answers it (GET /v1/wallets/:id), built in one place: the query
// API from rm_wallets rows, the projector for the balance cache it writes after each commit.
export type WalletView = {
  walletId: string;
  ownerId: string | null;
  currency: string;
  balance: string;
  available: string;
  held: string;
  status: string;
  version: string;
};

export const walletView = (
  wallet: Readonly<{
    walletId: string;
    ownerId: string | null;
    currency: string;
    balance: bigint;
    held: bigint;
    status: string;
    version: bigint;
  }>,
): WalletView => ({
  walletId: wallet.walletId,
  ownerId: wallet.ownerId,
  currency: wallet.currency,
  balance: wallet.balance.toString(),
  available: (wallet.balance - wallet.held).toString(),
  held: wallet.held.toString(),
  status: wallet.status,
  version: wallet.version.toString(),
});
